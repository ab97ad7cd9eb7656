/* The libssh2 functions the SSH cells call, forwarding to libssh2 opened on first use
   (CDynamicLoad). Until then, and if it cannot be opened, they fail: NULL sessions and
   channels, LIBSSH2_ERROR_ALLOC from libssh2_init. */
#include "CSSH2.h"
#include "spin_dynamic_load.h"

#define FAILED LIBSSH2_ERROR_ALLOC
#define SSH2_FUNCTIONS(X, L) \
    X(L, int, libssh2_init, (int flags), (flags), FAILED) \
    X(L, LIBSSH2_SESSION *, libssh2_session_init_ex, \
      (LIBSSH2_ALLOC_FUNC((*alloc)), LIBSSH2_FREE_FUNC((*release)), LIBSSH2_REALLOC_FUNC((*reallocate)), void *abstract), \
      (alloc, release, reallocate, abstract), NULL) \
    X(L, int, libssh2_session_method_pref, (LIBSSH2_SESSION *session, int type, const char *prefs), (session, type, prefs), FAILED) \
    X(L, int, libssh2_session_handshake, (LIBSSH2_SESSION *session, libssh2_socket_t socket), (session, socket), FAILED) \
    X(L, const char *, libssh2_session_hostkey, (LIBSSH2_SESSION *session, size_t *length, int *type), (session, length, type), NULL) \
    X(L, const char *, libssh2_hostkey_hash, (LIBSSH2_SESSION *session, int type), (session, type), NULL) \
    X(L, int, libssh2_userauth_publickey_frommemory, \
      (LIBSSH2_SESSION *session, const char *user, size_t user_length, const char *publickey, size_t publickey_length, \
       const char *privatekey, size_t privatekey_length, const char *passphrase), \
      (session, user, user_length, publickey, publickey_length, privatekey, privatekey_length, passphrase), FAILED) \
    X(L, int, libssh2_session_last_error, (LIBSSH2_SESSION *session, char **message, int *length, int want_buffer), \
      (session, message, length, want_buffer), FAILED) \
    X(L, int, libssh2_session_last_errno, (LIBSSH2_SESSION *session), (session), FAILED) \
    X(L, int, libssh2_session_block_directions, (LIBSSH2_SESSION *session), (session), 0) \
    X(L, int, libssh2_session_disconnect_ex, (LIBSSH2_SESSION *session, int reason, const char *description, const char *language), \
      (session, reason, description, language), FAILED) \
    X(L, int, libssh2_session_free, (LIBSSH2_SESSION *session), (session), FAILED) \
    X(L, LIBSSH2_CHANNEL *, libssh2_channel_open_ex, \
      (LIBSSH2_SESSION *session, const char *type, unsigned int type_length, unsigned int window, unsigned int packet, \
       const char *message, unsigned int message_length), \
      (session, type, type_length, window, packet, message, message_length), NULL) \
    X(L, int, libssh2_channel_process_startup, \
      (LIBSSH2_CHANNEL *channel, const char *request, unsigned int request_length, const char *message, unsigned int message_length), \
      (channel, request, request_length, message, message_length), FAILED) \
    X(L, ssize_t, libssh2_channel_read_ex, (LIBSSH2_CHANNEL *channel, int stream, char *buffer, size_t length), \
      (channel, stream, buffer, length), FAILED) \
    X(L, int, libssh2_channel_send_eof, (LIBSSH2_CHANNEL *channel), (channel), FAILED) \
    X(L, int, libssh2_channel_eof, (LIBSSH2_CHANNEL *channel), (channel), 1) \
    X(L, int, libssh2_channel_wait_closed, (LIBSSH2_CHANNEL *channel), (channel), FAILED) \
    X(L, int, libssh2_channel_get_exit_status, (LIBSSH2_CHANNEL *channel), (channel), 0) \
    X(L, int, libssh2_channel_get_exit_signal, \
      (LIBSSH2_CHANNEL *channel, char **signal, size_t *signal_length, char **message, size_t *message_length, \
       char **language, size_t *language_length), \
      (channel, signal, signal_length, message, message_length, language, language_length), FAILED) \
    X(L, int, libssh2_channel_free, (LIBSSH2_CHANNEL *channel), (channel), FAILED)

/* Functions that return nothing: before a successful load there is nothing to act on. */
#define SSH2_PROCEDURES(X, L) \
    X(L, libssh2_session_set_blocking, (LIBSSH2_SESSION *session, int blocking), (session, blocking)) \
    X(L, libssh2_session_set_timeout, (LIBSSH2_SESSION *session, long timeout), (session, timeout)) \
    X(L, libssh2_free, (LIBSSH2_SESSION *session, void *pointer), (session, pointer))

#define SSH2_OTHERS(X, L)

SPIN_LIBRARY_DEFINE(ssh2, "libssh2.so.1", SSH2_FUNCTIONS, SSH2_PROCEDURES, SSH2_OTHERS)

const char *spin_ssh2_load_error(void) { return spin_library_error(&ssh2); }
