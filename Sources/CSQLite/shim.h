#include <sqlite3.h>

/// sqlite3_config is variadic (Swift cannot call it): turn off the allocator's statistics, which
/// take a global mutex on every malloc and free. Must run before the first connection opens;
/// returns SQLITE_MISUSE afterwards, which is harmless.
static inline int segue_sqlite_disable_memory_statistics(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
