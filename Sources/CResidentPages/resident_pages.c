// Start-up runs code and reads constants that a running server never touches
// again, and the kernel maps a program's pages 64 KiB at a time around each
// fault (more with read-ahead): about 5 MB of the gateway's and executor's
// 35 MB at idle were pages only start-up used (bench/findings.md, scenario 6).
// This hands those pages back once start-up is over.
//
// - madvise(MADV_DONTNEED) on the read-only segments unmaps their pages: they
//   are clean copies of the file, so nothing is lost; what runs next faults
//   its pages back in.
// - MADV_RANDOM stops read-ahead on the constants (Linux 6.18 still reads
//   around faults in code whatever the advice: measured with fincore).
// - posix_fadvise(POSIX_FADV_DONTNEED) on the program file then drops its
//   cached pages that no process maps, so the memory is really freed (a
//   cgroup's limit counts the page cache), not just taken out of this
//   process's RSS. Pages another process maps stay.
//
// Writable segments are never touched: they hold relocated pointers (RELRO)
// and data, which releasing would lose; nor is a program whose code the
// loader relocated in place (text relocations; ours have none). A debugger's
// breakpoints in the code (copied pages) would be lost; attach after start-up.
#ifdef __linux__
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "spin_resident_pages.h"

struct release_state {
    long released;
    int failed_errno;
};

static int release_segment(uintptr_t start, uintptr_t end, struct release_state *state) {
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    // Whole pages inside the segment only, so no neighbouring segment is touched.
    start = (start + page - 1) & ~(page - 1);
    end &= ~(page - 1);
    if (end <= start) return 0;
    if (madvise((void *)start, end - start, MADV_RANDOM) != 0 ||
        madvise((void *)start, end - start, MADV_DONTNEED) != 0) {
        state->failed_errno = errno;
        return -1;
    }
    state->released += (long)(end - start);
    return 0;
}

/// Whether the loader relocated the program's code in place (text relocations):
/// its code pages are then no longer copies of the file.
static int has_text_relocations(const struct dl_phdr_info *info) {
    for (int index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[index];
        if (header->p_type != PT_DYNAMIC) continue;
        for (const ElfW(Dyn) *entry = (const ElfW(Dyn) *)(info->dlpi_addr + header->p_vaddr);
             entry->d_tag != DT_NULL; entry++) {
            if (entry->d_tag == DT_TEXTREL) return 1;
            if (entry->d_tag == DT_FLAGS && (entry->d_un.d_val & DF_TEXTREL)) return 1;
        }
    }
    return 0;
}

/// dl_iterate_phdr reports the main program first; returning 1 stops there.
static int release_main_program(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct release_state *state = data;
    if (has_text_relocations(info)) return 1;
    for (int index = 0; index < info->dlpi_phnum; index++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[index];
        if (header->p_type != PT_LOAD || (header->p_flags & PF_W)) continue;
        const uintptr_t start = info->dlpi_addr + header->p_vaddr;
        if (release_segment(start, start + header->p_memsz, state) != 0) break;
    }
    return 1;
}

long spin_release_program_pages(void) {
    struct release_state state = {0, 0};
    dl_iterate_phdr(release_main_program, &state);
    if (state.failed_errno != 0) {
        errno = state.failed_errno;
        return -1;
    }
    const int file = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (file < 0) return -1;
    const int advice = posix_fadvise(file, 0, 0, POSIX_FADV_DONTNEED);
    close(file);
    if (advice != 0) {
        errno = advice;
        return -1;
    }
    return state.released;
}
#endif
