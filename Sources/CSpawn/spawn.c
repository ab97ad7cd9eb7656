#define _GNU_SOURCE
#include <spawn.h>
#include "spin_spawn.h"

int spin_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}
