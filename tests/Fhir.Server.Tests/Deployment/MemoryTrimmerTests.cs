namespace Fhir.Server.Tests.Deployment;

public sealed class MemoryTrimmerTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData(true, true, 540, true)]    // at rest after a load: one collection
    [InlineData(false, true, 540, false)]  // still busy: no pause
    [InlineData(true, false, 540, false)]  // collected since the last busy period already
    [InlineData(true, true, 80, false)]    // a small heap is not worth a collection
    [InlineData(true, true, 96, true)]
    public void The_heap_is_collected_once_when_the_server_comes_to_rest_after_being_busy(bool atRest, bool busySinceLastCollect, long committedMiB, bool collect)
    {
        Assert.Equal(collect, MemoryTrimmer.ShouldCollect(atRest, busySinceLastCollect, committedMiB * MiB));
    }

    [Fact]
    public void On_glibc_Linux_the_C_heap_is_trimmed()
    {
        // The server's image and CI are Debian (glibc); elsewhere the trim is skipped, not an error.
        if (!OperatingSystem.IsLinux() || !File.Exists("/lib/x86_64-linux-gnu/libc.so.6") && !File.Exists("/lib/aarch64-linux-gnu/libc.so.6")) return;
        Assert.True(NativeHeap.Trim());
    }
}
