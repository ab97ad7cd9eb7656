#ifndef SPIN_CZEROMQ_SHIM_H
#define SPIN_CZEROMQ_SHIM_H
#include <zmq.h>
#include <sys/eventfd.h>

/// zmq_msg_t must not move after zmq_msg_init: callers keep it on the heap.
static inline int spin_zmq_setsockopt_int(void *socket, int option, int value) {
    return zmq_setsockopt(socket, option, &value, sizeof(value));
}
#endif
