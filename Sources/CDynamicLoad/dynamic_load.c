#include "spin_dynamic_load.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static int open_library(spin_library *library) {
    void *handle = dlopen(library->soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        const char *reason = dlerror();
        snprintf(library->error, sizeof library->error, "%s", reason ? reason : library->soname);
        return 0;
    }
    for (size_t i = 0; i < library->count; i++) {
        library->slots[i] = dlsym(handle, library->symbols[i]);
        if (library->slots[i] == NULL) {
            snprintf(library->error, sizeof library->error, "%s has no %s", library->soname, library->symbols[i]);
            dlclose(handle);
            return 0;
        }
    }
    return 1;
}

int spin_library_load(spin_library *library) {
    int state = __atomic_load_n(&library->state, __ATOMIC_ACQUIRE);
    if (state == 0) {
        pthread_mutex_lock(&library->lock);
        state = library->state;
        if (state == 0) {
            state = open_library(library) ? 1 : 2;
            __atomic_store_n(&library->state, state, __ATOMIC_RELEASE);
        }
        pthread_mutex_unlock(&library->lock);
    }
    return state == 1;
}

const char *spin_library_error(spin_library *library) {
    return spin_library_load(library) ? NULL : library->error;
}
