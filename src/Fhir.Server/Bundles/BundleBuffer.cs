using System.Buffers;

namespace Fhir.Server.Bundles;

/// <summary>
/// The growing buffer of a <see cref="BundleWriter"/>: it doubles like <see cref="ArrayBufferWriter{T}"/>, but not past
/// a soft cap (the response size limit) unless it must, and then only by what is needed: a Bundle of 33 MB under a
/// 32 MB limit takes a buffer of about 33 MB, not 64.
/// </summary>
internal sealed class BundleBuffer(int initialCapacity, long softCap) : IBufferWriter<byte>
{
    private const int StepPastCap = 1024 * 1024;

    private byte[] _array = new byte[initialCapacity];
    private int _written;

    /// <summary>What has been written.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _array.AsMemory(0, _written);

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        var needed = (long)_written + Math.Max(sizeHint, 1);
        if (needed <= _array.Length)
        {
            return;
        }
        var doubled = Math.Min(2L * _array.Length, Math.Max(softCap, _array.Length));
        var target = Math.Max(needed, doubled);
        if (target <= _array.Length || (needed > softCap && target < needed + StepPastCap))
        {
            target = needed + StepPastCap; // past the cap: grow by steps, not by doubling
        }
        var larger = new byte[Math.Min(target, Array.MaxLength)];
        _array.AsSpan(0, _written).CopyTo(larger);
        _array = larger;
    }
}
