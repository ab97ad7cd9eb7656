#ifndef SPIN_CSSH2_H
#define SPIN_CSSH2_H
/* libssh2's function-like macros (libssh2_session_init, libssh2_channel_open_session, ...)
   are not imported into Swift: call their _ex forms. */
#include <libssh2.h>

/* libssh2 is opened on first use (ssh2_loader.c), not at start-up: the libssh2_*
   functions Swift calls are ours and forward to it. Why it could not be opened, or
   NULL once it is. */
const char *spin_ssh2_load_error(void);
#endif
