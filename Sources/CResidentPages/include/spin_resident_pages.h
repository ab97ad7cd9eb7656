#ifndef SPIN_RESIDENT_PAGES_H
#define SPIN_RESIDENT_PAGES_H

/// Releases the resident pages of this program's read-only segments (code,
/// constants, unwind tables), marks them for random access, and drops the
/// program file's cached pages that nothing maps any more (resident_pages.c).
/// Returns the bytes of the ranges released, or -1 with errno set.
long spin_release_program_pages(void);
#endif
