#ifndef SPIN_SPAWN_H
#define SPIN_SPAWN_H
#include <spawn.h>

/// Closes every descriptor >= `from` in the child (glibc's
/// posix_spawn_file_actions_addclosefrom_np, a GNU extension Swift does not
/// import): a child must not inherit the runtime's listening sockets.
int spin_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// pipe2(ends, O_CLOEXEC) (GNU; not imported into Swift): both ends
/// close-on-exec from the start, so no child spawned meanwhile inherits them.
int spin_pipe_cloexec(int ends[2]);

/// pthread_setname_np(pthread_self(), name) (GNU; not imported into Swift):
/// names the calling thread as `top -H` and /proc show it (15 bytes at most).
int spin_name_this_thread(const char *name);
#endif
