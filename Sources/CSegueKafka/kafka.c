#include "CSegueKafka.h"

#include <dlfcn.h>
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Debian's rdkafka.h gives the declarations only: every function is reached through a pointer
// filled by dlsym, so the program does not link librdkafka.
#define FUNCTIONS(X)                                                                                                   \
    X(rd_kafka_version_str)                                                                                            \
    X(rd_kafka_conf_new)                                                                                               \
    X(rd_kafka_conf_set)                                                                                               \
    X(rd_kafka_conf_destroy)                                                                                           \
    X(rd_kafka_conf_set_dr_msg_cb)                                                                                     \
    X(rd_kafka_conf_set_opaque)                                                                                        \
    X(rd_kafka_new)                                                                                                    \
    X(rd_kafka_destroy)                                                                                                \
    X(rd_kafka_poll_set_consumer)                                                                                      \
    X(rd_kafka_topic_partition_list_new)                                                                               \
    X(rd_kafka_topic_partition_list_add)                                                                               \
    X(rd_kafka_topic_partition_list_destroy)                                                                           \
    X(rd_kafka_subscribe)                                                                                              \
    X(rd_kafka_consumer_poll)                                                                                          \
    X(rd_kafka_message_destroy)                                                                                        \
    X(rd_kafka_message_timestamp)                                                                                      \
    X(rd_kafka_commit)                                                                                                 \
    X(rd_kafka_consumer_close)                                                                                         \
    X(rd_kafka_err2str)                                                                                                \
    X(rd_kafka_assignment)                                                                                             \
    X(rd_kafka_position)                                                                                               \
    X(rd_kafka_get_watermark_offsets)                                                                                  \
    X(rd_kafka_topic_new)                                                                                              \
    X(rd_kafka_topic_destroy)                                                                                          \
    X(rd_kafka_produce)                                                                                                \
    X(rd_kafka_poll)                                                                                                   \
    X(rd_kafka_flush)                                                                                                  \
    X(rd_kafka_outq_len)                                                                                               \
    X(rd_kafka_last_error)

#define POINTER(name) static __typeof__(name) *p_##name;
FUNCTIONS(POINTER)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded = 0;
static int tried = 0;
static char load_error[1024];
static const char *default_path = "librdkafka.so.1";

static int bind_all(void *handle, const char *path) {
#define BIND(name)                                                                                                     \
    p_##name = (__typeof__(name) *)dlsym(handle, #name);                                                               \
    if (!p_##name) {                                                                                                   \
        snprintf(load_error, sizeof load_error, "%s has no %s (librdkafka 1.9 or newer is needed)", path, #name);     \
        return -1;                                                                                                     \
    }
    FUNCTIONS(BIND)
#undef BIND
    return 0;
}

static void init(void) { load_error[0] = 0; }

int segue_kafka_load(const char *const *candidates, int count) {
    pthread_once(&once, init);
    pthread_mutex_lock(&load_lock);
    if (tried) {
        pthread_mutex_unlock(&load_lock);
        return loaded ? 0 : -1;
    }
    tried = 1;
    char tried_paths[768] = "";
    for (int i = 0; i <= count; i++) {
        const char *path = i < count ? candidates[i] : default_path;
        if (!path || !*path) continue;
        void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            size_t used = strlen(tried_paths);
            snprintf(tried_paths + used, sizeof tried_paths - used, "%s%s", used ? ", " : "", path);
            continue;
        }
        if (bind_all(handle, path) != 0) {
            dlclose(handle);
            pthread_mutex_unlock(&load_lock);
            return -1;
        }
        loaded = 1;
        load_error[0] = 0;
        pthread_mutex_unlock(&load_lock);
        return 0;
    }
    snprintf(load_error, sizeof load_error, "librdkafka was not found (tried %s)", tried_paths);
    pthread_mutex_unlock(&load_lock);
    return -1;
}

const char *segue_kafka_load_error(void) {
    pthread_once(&once, init);
    return load_error;
}

const char *segue_kafka_version(void) { return loaded ? p_rd_kafka_version_str() : NULL; }

struct segue_kafka_client {
    rd_kafka_t *kafka;
    rd_kafka_topic_t *topic; // producers only
    char *topic_name;
    int consumer;
    pthread_mutex_t lock;
    int64_t failures;
    char failure[256];
};

static void delivered(rd_kafka_t *kafka, const rd_kafka_message_t *message, void *opaque) {
    (void)kafka;
    segue_kafka_client *client = opaque;
    if (message->err) {
        pthread_mutex_lock(&client->lock);
        client->failures++;
        snprintf(client->failure, sizeof client->failure, "%s", p_rd_kafka_err2str(message->err));
        pthread_mutex_unlock(&client->lock);
    }
}

static int set(rd_kafka_conf_t *conf, const char *key, const char *value, char *error, size_t error_size) {
    char why[512];
    if (p_rd_kafka_conf_set(conf, key, value, why, sizeof why) != RD_KAFKA_CONF_OK) {
        snprintf(error, error_size, "Kafka setting %s: %s", key, why);
        return -1;
    }
    return 0;
}

static segue_kafka_client *client_new(rd_kafka_type_t type, const char *const *keys, const char *const *values,
                                      int count, const char *topic, char *error, size_t error_size) {
    if (!loaded) {
        snprintf(error, error_size, "librdkafka is not loaded: %s", load_error);
        return NULL;
    }
    segue_kafka_client *client = calloc(1, sizeof *client);
    if (!client) {
        snprintf(error, error_size, "out of memory");
        return NULL;
    }
    pthread_mutex_init(&client->lock, NULL);
    client->topic_name = strdup(topic);
    client->consumer = type == RD_KAFKA_CONSUMER;
    rd_kafka_conf_t *conf = p_rd_kafka_conf_new();
    int failed = 0;
    if (type == RD_KAFKA_CONSUMER) {
        failed |= set(conf, "auto.offset.reset", "earliest", error, error_size);
    } else {
        failed |= set(conf, "enable.idempotence", "true", error, error_size);
        failed |= set(conf, "linger.ms", "5", error, error_size);
    }
    for (int i = 0; i < count && !failed; i++) failed |= set(conf, keys[i], values[i], error, error_size);
    if (type == RD_KAFKA_CONSUMER && !failed) {
        // Offsets are committed by Segue, after the store has committed the events before them.
        failed |= set(conf, "enable.auto.commit", "false", error, error_size);
        failed |= set(conf, "enable.auto.offset.store", "false", error, error_size);
    }
    if (failed) {
        p_rd_kafka_conf_destroy(conf);
        free(client->topic_name);
        free(client);
        return NULL;
    }
    if (type == RD_KAFKA_PRODUCER) p_rd_kafka_conf_set_dr_msg_cb(conf, delivered);
    p_rd_kafka_conf_set_opaque(conf, client);
    char why[512];
    client->kafka = p_rd_kafka_new(type, conf, why, sizeof why);
    if (!client->kafka) {
        snprintf(error, error_size, "cannot create the Kafka client: %s", why);
        p_rd_kafka_conf_destroy(conf);
        free(client->topic_name);
        free(client);
        return NULL;
    }
    return client;
}

segue_kafka_client *segue_kafka_consumer_new(const char *const *keys, const char *const *values, int count,
                                             const char *topic, char *error, size_t error_size) {
    segue_kafka_client *client = client_new(RD_KAFKA_CONSUMER, keys, values, count, topic, error, error_size);
    if (!client) return NULL;
    p_rd_kafka_poll_set_consumer(client->kafka);
    rd_kafka_topic_partition_list_t *topics = p_rd_kafka_topic_partition_list_new(1);
    p_rd_kafka_topic_partition_list_add(topics, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_resp_err_t err = p_rd_kafka_subscribe(client->kafka, topics);
    p_rd_kafka_topic_partition_list_destroy(topics);
    if (err) {
        snprintf(error, error_size, "cannot subscribe to %s: %s", topic, p_rd_kafka_err2str(err));
        segue_kafka_destroy(client);
        return NULL;
    }
    return client;
}

int segue_kafka_consume(segue_kafka_client *client, segue_kafka_record *records, int max, int timeout_ms) {
    int n = 0;
    while (n < max) {
        rd_kafka_message_t *message = p_rd_kafka_consumer_poll(client->kafka, n == 0 ? timeout_ms : 0);
        if (!message) break;
        segue_kafka_record *r = &records[n++];
        r->error = message->err;
        r->partition = message->partition;
        r->offset = message->offset;
        r->payload = message->payload;
        r->length = message->len;
        r->timestamp_ms = message->err ? -1 : p_rd_kafka_message_timestamp(message, NULL);
        r->message = message;
        if (message->err) break; // an error (end of partition, broker down) ends the batch
    }
    return n;
}

void segue_kafka_release(segue_kafka_record *records, int count) {
    for (int i = 0; i < count; i++) {
        if (records[i].message) p_rd_kafka_message_destroy(records[i].message);
        records[i].message = NULL;
    }
}

int segue_kafka_commit(segue_kafka_client *client, const int32_t *partitions, const int64_t *next_offsets, int count,
                       char *error, size_t error_size) {
    if (count <= 0) return 0;
    rd_kafka_topic_partition_list_t *list = p_rd_kafka_topic_partition_list_new(count);
    for (int i = 0; i < count; i++)
        p_rd_kafka_topic_partition_list_add(list, client->topic_name, partitions[i])->offset = next_offsets[i];
    rd_kafka_resp_err_t err = p_rd_kafka_commit(client->kafka, list, 0);
    int result = 0;
    if (err) {
        snprintf(error, error_size, "%s", p_rd_kafka_err2str(err));
        result = -1;
    } else {
        for (int i = 0; i < list->cnt; i++) {
            if (list->elems[i].err) {
                snprintf(error, error_size, "partition %d: %s", (int)list->elems[i].partition,
                         p_rd_kafka_err2str(list->elems[i].err));
                result = -1;
                break;
            }
        }
    }
    p_rd_kafka_topic_partition_list_destroy(list);
    return result;
}

int segue_kafka_lag(segue_kafka_client *client, int32_t *partitions, int64_t *lags, int max) {
    rd_kafka_topic_partition_list_t *assigned = NULL;
    if (p_rd_kafka_assignment(client->kafka, &assigned) || !assigned) return 0;
    p_rd_kafka_position(client->kafka, assigned);
    int n = 0;
    for (int i = 0; i < assigned->cnt && n < max; i++) {
        rd_kafka_topic_partition_t *p = &assigned->elems[i];
        int64_t low = -1, high = -1;
        partitions[n] = p->partition;
        if (p_rd_kafka_get_watermark_offsets(client->kafka, p->topic, p->partition, &low, &high) == 0 && high >= 0 &&
            p->offset >= 0)
            lags[n] = high > p->offset ? high - p->offset : 0;
        else
            lags[n] = -1;
        n++;
    }
    p_rd_kafka_topic_partition_list_destroy(assigned);
    return n;
}

segue_kafka_client *segue_kafka_producer_new(const char *const *keys, const char *const *values, int count,
                                             const char *topic, char *error, size_t error_size) {
    segue_kafka_client *client = client_new(RD_KAFKA_PRODUCER, keys, values, count, topic, error, error_size);
    if (!client) return NULL;
    client->topic = p_rd_kafka_topic_new(client->kafka, topic, NULL);
    if (!client->topic) {
        snprintf(error, error_size, "cannot use topic %s: %s", topic, p_rd_kafka_err2str(p_rd_kafka_last_error()));
        segue_kafka_destroy(client);
        return NULL;
    }
    return client;
}

int segue_kafka_produce(segue_kafka_client *client, const void *payload, size_t length, const void *key,
                        size_t key_length, char *error, size_t error_size) {
    if (p_rd_kafka_produce(client->topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, (void *)payload, length, key,
                           key_length, NULL) != 0) {
        snprintf(error, error_size, "%s", p_rd_kafka_err2str(p_rd_kafka_last_error()));
        return -1;
    }
    p_rd_kafka_poll(client->kafka, 0);
    return 0;
}

int segue_kafka_flush(segue_kafka_client *client, int timeout_ms) {
    p_rd_kafka_flush(client->kafka, timeout_ms);
    return p_rd_kafka_outq_len(client->kafka);
}

int64_t segue_kafka_delivery_failures(segue_kafka_client *client, char *error, size_t error_size) {
    pthread_mutex_lock(&client->lock);
    int64_t failures = client->failures;
    snprintf(error, error_size, "%s", client->failure);
    pthread_mutex_unlock(&client->lock);
    return failures;
}

void segue_kafka_destroy(segue_kafka_client *client) {
    if (!client) return;
    if (client->topic) p_rd_kafka_topic_destroy(client->topic);
    if (client->consumer && client->kafka) p_rd_kafka_consumer_close(client->kafka);
    if (client->kafka) p_rd_kafka_destroy(client->kafka);
    pthread_mutex_destroy(&client->lock);
    free(client->topic_name);
    free(client);
}
