#ifndef CSEGUEKAFKA_H
#define CSEGUEKAFKA_H

#include <stddef.h>
#include <stdint.h>

/// librdkafka, loaded with dlopen on first use (as OpenBLAS is in CSegueBLAS).
///
/// Only `segue serve`/`segue worker` with `--kafka-brokers` and `segue simulate --via kafka` need
/// it, so every other command runs on a machine without it. The library is looked for at
/// `SEGUE_RDKAFKA_LIBRARY`, then at the copy scripts/setup.sh places in `.local/kafka/lib`, then as
/// `librdkafka.so.1` on the loader's path. Debian bookworm's librdkafka 2.0.2 speaks to Apache Kafka
/// and Redpanda; the test broker (tansu) needs 2.2 or newer.
///
/// Handles are opaque. Every function that can fail writes one line into `error` (of `error_size`
/// bytes) and returns NULL or a negative number.

#ifdef __cplusplus
extern "C" {
#endif

/// Opens librdkafka (once; later calls return the first outcome): 0 when ready, -1 when not (see
/// `segue_kafka_load_error`). `candidates` is a list of paths tried first, in order (may be NULL).
int segue_kafka_load(const char *const *candidates, int count);

/// Why the load failed (empty when it did not).
const char *segue_kafka_load_error(void);

/// The loaded library's version ("2.16.1"); NULL before a successful load.
const char *segue_kafka_version(void);

typedef struct segue_kafka_client segue_kafka_client;

/// One consumed message (or a consumer error, when `error` is not 0). `payload` stays valid until
/// `segue_kafka_release` is called on the batch. `timestamp_ms` is the message's timestamp
/// (milliseconds since 1970: when it was produced, unless the topic stamps append time), -1 if none.
typedef struct {
    int error;
    int32_t partition;
    int64_t offset;
    const uint8_t *payload;
    size_t length;
    int64_t timestamp_ms;
    void *message;
} segue_kafka_record;

/// A consumer in a group, subscribed to `topic`, with `count` configuration pairs applied over the
/// defaults (earliest offset for a new group; automatic commits and offset stores always off).
segue_kafka_client *segue_kafka_consumer_new(const char *const *keys, const char *const *values, int count,
                                             const char *topic, char *error, size_t error_size);

/// Waits up to `timeout_ms` for a first message, then takes what is already fetched, up to `max`.
/// Returns how many records were written (0 on timeout); call `segue_kafka_release` on them.
int segue_kafka_consume(segue_kafka_client *client, segue_kafka_record *records, int max, int timeout_ms);

/// Frees the messages behind `count` records.
void segue_kafka_release(segue_kafka_record *records, int count);

/// Commits, synchronously, the next offset to read for each of `count` partitions of the topic.
/// Returns 0, or -1 with the reason.
int segue_kafka_commit(segue_kafka_client *client, const int32_t *partitions, const int64_t *next_offsets, int count,
                       char *error, size_t error_size);

/// The partitions assigned to this consumer now, with the lag of each (high watermark minus the
/// position, -1 when unknown). Returns how many were written (at most `max`).
int segue_kafka_lag(segue_kafka_client *client, int32_t *partitions, int64_t *lags, int max);

/// A producer (idempotent unless the configuration says otherwise) for `topic`.
segue_kafka_client *segue_kafka_producer_new(const char *const *keys, const char *const *values, int count,
                                             const char *topic, char *error, size_t error_size);

/// Queues one message (copied) on a partition the key chooses (any partition when `key` is NULL).
/// Returns 0, or -1 with the reason (a full queue: serve deliveries with `segue_kafka_flush`).
int segue_kafka_produce(segue_kafka_client *client, const void *payload, size_t length, const void *key,
                        size_t key_length, char *error, size_t error_size);

/// Waits up to `timeout_ms` for queued messages to be delivered. Returns how many are still queued.
int segue_kafka_flush(segue_kafka_client *client, int timeout_ms);

/// Messages whose delivery failed so far, and the last reason.
int64_t segue_kafka_delivery_failures(segue_kafka_client *client, char *error, size_t error_size);

/// Leaves the group (a consumer) or drops what is unsent (a producer), then frees the client.
void segue_kafka_destroy(segue_kafka_client *client);

#ifdef __cplusplus
}
#endif

#endif
