// Start-up runs code and reads constants that a running server never touches
// again, and the kernel maps a program's pages 64 KiB at a time around each
// fault (more with read-ahead): about 5 MB of the gateway's and executor's
// 35 MB at idle were pages only start-up used (bench/findings.md, scenario 6).
// This hands those pages back once start-up is over.
//
// - madvise(MADV_DONTNEED) on the read-only segments unmaps their pages: they
//   are clean copies of the file, so nothing is lost; what runs next faults
//   its pages back in (another thread running there meanwhile just faults).
// - MADV_RANDOM stops read-ahead on the constants (not on code: see below).
// - The code is then split into 16 KiB mappings (split_code below), so that
//   what runs afterwards brings in its own pages, not their neighbours.
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

enum { max_ranges = 16, code_chunk = 16 * 1024 };

struct program_ranges {
    int count;
    uintptr_t start[max_ranges];
    uintptr_t end[max_ranges];
    int executable[max_ranges];
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
        ranges->executable[ranges->count] = (header->p_flags & PF_X) != 0;
        ranges->count++;
    }
    return 1;
}

/// Splits the code in [start, end) into mappings of `code_chunk` bytes.
/// A mapping bounds what one fault brings in: the kernel maps the cached pages
/// of the fault's 64 KiB window (fault-around), and on recent kernels (6.18
/// here) reads up to the disk's read-ahead (8 MB here) onwards from an
/// executable fault, MADV_RANDOM or not; both stop at the mapping's end. One
/// mapping of ~25 MB of code thus kept every 64 KiB window around the code the
/// server runs resident, and cached megabytes of the file besides.
///
/// The kernel merges neighbouring mappings whose flags are equal, so every
/// other chunk gets MADV_NOHUGEPAGE: a flag that changes nothing here (a huge
/// page needs a 2 MB mapping) beyond keeping the chunks apart. Each mapping
/// costs the kernel ~0.2 KB (the gateway's and executor's ~3 200: 0.66 MB).
/// Returns 0 or an errno (EINVAL: a kernel without transparent huge pages;
/// EAGAIN: the process's limit of mappings reached); the chunks split before a
/// failure stay split. `*mappings` counts the mappings the code is in
/// afterwards, 0 if it is still one.
static int split_code(uintptr_t start, uintptr_t end, long *mappings) {
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    const uintptr_t chunk = code_chunk > page ? code_chunk : page;
    long chunks = 0;
    *mappings = 0;
    // Chunks are aligned to their size; the first and last may be cut by the range.
    for (uintptr_t base = start / chunk * chunk; base < end; base += chunk, chunks++) {
        if ((base / chunk) % 2 == 0) continue;
        const uintptr_t from = base > start ? base : start;
        const uintptr_t to = base + chunk < end ? base + chunk : end;
        if (madvise((void *)from, to - from, MADV_NOHUGEPAGE) != 0) {
            // The chunk before this one stays joined to the unsplit rest.
            *mappings = chunks >= 2 ? chunks : 0;
            return errno;
        }
    }
    *mappings = chunks > 1 ? chunks : 0;
    return 0;
}

/// Drops the program file's cached pages that no process maps; 0 or an errno.
static int drop_cached_program_file(void) {
    const int file = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (file < 0) return errno;
    const int advice = posix_fadvise(file, 0, 0, POSIX_FADV_DONTNEED);
    close(file);
    return advice;
}

int spin_release_startup_pages(struct spin_startup_release *outcome) {
    struct program_ranges ranges = {0};
    dl_iterate_phdr(collect_main_program, &ranges);
    *outcome = (struct spin_startup_release){0};
    for (int index = 0; index < ranges.count; index++) {
        void *start = (void *)ranges.start[index];
        const size_t length = ranges.end[index] - ranges.start[index];
        if (madvise(start, length, MADV_RANDOM) != 0 || madvise(start, length, MADV_DONTNEED) != 0) {
            if (outcome->released == 0) return errno;
            break;
        }
        outcome->released += (long)length;
    }
    // The split comes after the release, so that a process near its limit of
    // mappings still gets the release; code that ran in between is unmapped again.
    for (int index = 0; index < ranges.count && outcome->split_errno == 0; index++) {
        if (!ranges.executable[index]) continue;
        long mappings = 0;
        outcome->split_errno = split_code(ranges.start[index], ranges.end[index], &mappings);
        outcome->code_mappings += mappings;
        madvise((void *)ranges.start[index], ranges.end[index] - ranges.start[index], MADV_DONTNEED);
    }
    outcome->cache_errno = outcome->released > 0 ? drop_cached_program_file() : 0;
    return 0;
}
#endif
