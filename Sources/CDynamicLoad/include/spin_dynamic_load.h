#ifndef SPIN_DYNAMIC_LOAD_H
#define SPIN_DYNAMIC_LOAD_H
#include <pthread.h>
#include <stddef.h>

/* A shared library opened on first use rather than at start-up. libcurl and libssh2
   (with OpenSSL, GnuTLS, Kerberos, LDAP behind them) are ~6 MB of the executor's idle
   resident memory when linked; only HTTP and SSH cells need them. */
typedef struct {
    const char *soname;           /* "libcurl.so.4" */
    const char *const *symbols;   /* names to resolve, `count` of them */
    void **slots;                 /* their addresses, filled on success */
    size_t count;
    pthread_mutex_t lock;
    int state;                    /* 0 not tried, 1 loaded, 2 failed (never retried) */
    char error[256];
} spin_library;

#define SPIN_LIBRARY(SONAME, SYMBOLS, SLOTS) \
    { (SONAME), (SYMBOLS), (SLOTS), sizeof(SYMBOLS) / sizeof((SYMBOLS)[0]), PTHREAD_MUTEX_INITIALIZER, 0, "" }

/* Opens the library and resolves every symbol, once; 1 when all of them are there. */
int spin_library_load(spin_library *library);

/* Why the library could not be loaded, or NULL when it is loaded (loads it first). */
const char *spin_library_error(spin_library *library);

/* Defines `L`, a spin_library for `soname`, and the functions that forward to it, from
   three X-macro lists, each called as LIST(X, L):
   FUNCTIONS: X(L, ret, name, (params), (args), failure) - forwarded, or `failure`;
   PROCEDURES: X(L, name, (params), (args)) - returning nothing, skipped when not loaded;
   OTHERS: X(L, name) - only resolved (slot index_<name>), forwarded by hand. */
#define SPIN_LIBRARY_DEFINE(L, soname, FUNCTIONS, PROCEDURES, OTHERS) \
    enum { FUNCTIONS(SPIN_INDEX, L) PROCEDURES(SPIN_SHORT_INDEX, L) OTHERS(SPIN_SHORT_INDEX, L) }; \
    static const char *const L##_names[] = { \
        FUNCTIONS(SPIN_NAME, L) PROCEDURES(SPIN_SHORT_NAME, L) OTHERS(SPIN_SHORT_NAME, L) \
    }; \
    static void *L##_slots[sizeof L##_names / sizeof L##_names[0]]; \
    static spin_library L = SPIN_LIBRARY(soname, L##_names, L##_slots); \
    FUNCTIONS(SPIN_FORWARD, L) \
    PROCEDURES(SPIN_FORWARD_PROCEDURE, L)

#define SPIN_NAME(L, ret, name, ...) #name,
#define SPIN_SHORT_NAME(L, name, ...) #name,
#define SPIN_INDEX(L, ret, name, ...) index_##name,
#define SPIN_SHORT_INDEX(L, name, ...) index_##name,
#define SPIN_FORWARD(L, ret, name, params, args, failure) \
    ret name params { \
        if (!spin_library_load(&(L))) return failure; \
        return ((ret (*) params)(L).slots[index_##name]) args; \
    }
#define SPIN_FORWARD_PROCEDURE(L, name, params, args) \
    void name params { \
        if (spin_library_load(&(L))) ((void (*) params)(L).slots[index_##name]) args; \
    }
#endif
