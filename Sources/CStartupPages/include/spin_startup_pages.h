#ifndef SPIN_STARTUP_PAGES_H
#define SPIN_STARTUP_PAGES_H

/// What a release did.
struct spin_startup_release {
    /// Bytes of the read-only segments whose pages were released.
    long released;
    /// Mappings the program's code is in after the split (0: still one).
    long code_mappings;
    /// 0, or the errno of the code split (EINVAL without transparent huge
    /// pages, EAGAIN at the limit of mappings); chunks split before it stay so.
    int split_errno;
    /// 0, or the errno of the page-cache step (which can fail on its own,
    /// without /proc for instance).
    int cache_errno;
};

/// Releases the resident pages of this program's read-only segments (code,
/// constants, unwind tables), marks them for random access, splits its code
/// into small mappings, then drops the program file's cached pages that nothing
/// maps any more (startup_pages.c). Returns 0, or an errno if nothing could be
/// released; `*outcome` says what was done.
int spin_release_startup_pages(struct spin_startup_release *outcome);
#endif
