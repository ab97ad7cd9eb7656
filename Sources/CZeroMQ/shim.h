#ifndef SPIN_CZEROMQ_SHIM_H
#define SPIN_CZEROMQ_SHIM_H
#include <zmq.h>
#endif
