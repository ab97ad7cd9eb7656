#ifndef SPIN_CSSH2_SHIM_H
#define SPIN_CSSH2_SHIM_H
/* libssh2's function-like macros (libssh2_session_init, libssh2_channel_open_session, ...)
   are not imported into Swift: call their _ex forms. */
#include <libssh2.h>
#endif
