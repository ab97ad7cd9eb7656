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

/* For X-macro lists of functions, F(ret, name, (params), (args), failure) and, for those
   returning nothing, P(name, (params), (args)): their names, their slot indexes
   (index_<name>), and definitions that forward to the loaded library or fail. */
#define SPIN_NAME(ret, name, ...) #name,
#define SPIN_PROCEDURE_NAME(name, ...) #name,
#define SPIN_INDEX(ret, name, ...) index_##name,
#define SPIN_PROCEDURE_INDEX(name, ...) index_##name,
#define SPIN_FORWARD(library, ret, name, params, args, failure) \
    ret name params { \
        if (!spin_library_load(&(library))) return failure; \
        return ((ret (*) params)(library).slots[index_##name]) args; \
    }
#define SPIN_FORWARD_PROCEDURE(library, name, params, args) \
    void name params { \
        if (spin_library_load(&(library))) ((void (*) params)(library).slots[index_##name]) args; \
    }
#endif
