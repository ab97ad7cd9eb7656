#ifndef SPIN_STARTUP_PAGES_H
#define SPIN_STARTUP_PAGES_H

/// Releases the resident pages of this program's read-only segments (code,
/// constants, unwind tables), marks them for random access, then drops the
/// program file's cached pages that nothing maps any more (startup_pages.c).
/// Returns the bytes of the ranges released, or -errno if none could be.
/// `*cache_errno` is 0, or the errno of the page-cache step (which can fail on
/// its own, without /proc for instance).
long spin_release_startup_pages(int *cache_errno);
#endif
