/// glibc malloc settings for the executor's traffic: kernel output arrives in
/// messages of several MB, each copied a few times on its way to clients.
public enum MemoryTuning {
    /// Blocks this large or larger are mmap'd and go back to the system when
    /// freed. (By default glibc raises this threshold to the largest block
    /// freed so far, up to 32 MB, after which such blocks stay in its arenas:
    /// the executor's RSS then stays at its peak after a large output.)
    public static let mmapThreshold: Int32 = 256 << 10

    /// Applies the settings; call once, first thing at start.
    public static func apply() {
        #if os(Linux)
        _ = glibcMallopt(glibcMmapThreshold, mmapThreshold)
        #endif
    }
}

#if os(Linux)
/// `M_MMAP_THRESHOLD` of <malloc.h>, which the Glibc module does not export.
private let glibcMmapThreshold: Int32 = -3

/// `int mallopt(int param, int value)` of glibc (not in the Glibc module).
@_silgen_name("mallopt")
private func glibcMallopt(_ param: Int32, _ value: Int32) -> Int32
#endif
