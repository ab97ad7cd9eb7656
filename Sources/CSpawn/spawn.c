#define _GNU_SOURCE
#include <spawn.h>
#include "spin_spawn.h"

int spin_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

#include <fcntl.h>
#include <unistd.h>

int spin_pipe_cloexec(int ends[2]) {
    return pipe2(ends, O_CLOEXEC);
}

#include <pthread.h>

int spin_name_this_thread(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}
