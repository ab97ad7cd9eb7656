// Start-up runs code and reads constants that a running server never touches
// again, and the kernel maps a program's pages 64 KiB at a time around each
// fault (more with read-ahead): about 5 MB of the gateway's and executor's
// 35 MB at idle were pages only start-up used (bench/findings.md, scenario 6).
// This hands those pages back once start-up is over.
//
// - madvise(MADV_DONTNEED) on the read-only segments unmaps their pages: they
//   are clean copies of the file, so nothing is lost; what runs next faults
//   its pages back in (another thread running there meanwhile just faults).
// - MADV_RANDOM stops read-ahead on the constants (Linux 6.18 still reads
//   around faults in code whatever the advice: measured with fincore).
// - posix_fadvise(POSIX_FADV_DONTNEED) on the program file then drops its
//   cached pages that no process maps, so the memory is freed from the page
//   cache (which a cgroup's limit counts) too, not just taken out of this
//   process's RSS. Pages another process maps stay.
//
// Writable segments are never touched: they hold relocated pointers (RELRO)
// and data, which releasing would lose; nor is a program whose code the
// loader relocated in place (text relocations; ours have none). Breakpoints
// that a debugger, uprobe or perf probe put in the code before the release
// (copied pages) are lost; attach after start-up.
#ifdef __linux__
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>
#include "spin_startup_pages.h"

enum { max_ranges = 16 };

struct program_ranges {
    int count;
    uintptr_t start[max_ranges];
    uintptr_t end[max_ranges];
};

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

/// Collects the whole pages of the main program's read-only, file-backed
/// segments. dl_iterate_phdr reports the main program first; returning 1 stops
/// there. Nothing is released while the loader's lock is held.
static int collect_main_program(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct program_ranges *ranges = data;
    if (has_text_relocations(info)) return 1;
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (int index = 0; index < info->dlpi_phnum && ranges->count < max_ranges; index++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[index];
        if (header->p_type != PT_LOAD || (header->p_flags & PF_W)) continue;
        // The file's bytes only (a zero-filled tail past p_filesz is the loader's),
        // in whole pages inside the segment, so no neighbouring segment is touched.
        const uintptr_t start = info->dlpi_addr + header->p_vaddr;
        const uintptr_t first = (start + page - 1) & ~(page - 1);
        const uintptr_t end = (start + header->p_filesz) & ~(page - 1);
        if (end <= first) continue;
        ranges->start[ranges->count] = first;
        ranges->end[ranges->count] = end;
        ranges->count++;
    }
    return 1;
}

/// Drops the program file's cached pages that no process maps; 0 or an errno.
static int drop_cached_program_file(void) {
    const int file = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (file < 0) return errno;
    const int advice = posix_fadvise(file, 0, 0, POSIX_FADV_DONTNEED);
    close(file);
    return advice;
}

long spin_release_startup_pages(int *cache_errno) {
    struct program_ranges ranges = {0};
    dl_iterate_phdr(collect_main_program, &ranges);
    long released = 0;
    for (int index = 0; index < ranges.count; index++) {
        void *start = (void *)ranges.start[index];
        const size_t length = ranges.end[index] - ranges.start[index];
        if (madvise(start, length, MADV_RANDOM) != 0 || madvise(start, length, MADV_DONTNEED) != 0) {
            if (released == 0) return -errno;
            break;
        }
        released += (long)length;
    }
    *cache_errno = released > 0 ? drop_cached_program_file() : 0;
    return released;
}
#endif
