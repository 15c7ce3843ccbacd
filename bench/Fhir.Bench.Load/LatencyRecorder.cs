using System.Diagnostics;
using System.Numerics;

namespace Fhir.Bench.Load;

/// <summary>
/// Log-linear latency histogram in microseconds (HdrHistogram-style: 64 linear sub-buckets per
/// power of two, so any recorded value is reported within 1/64 ≈ 1.6 % of its true value; values
/// below 128 µs are exact). One instance per worker and operation: recording is a few integer
/// operations on a preallocated array with no sharing, locks or allocation; instances are merged
/// after the run.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 6;                      // 64 sub-buckets per octave
    private const int Linear = 2 << SubBits;            // 0..127 µs recorded exactly
    private const int MaxShift = 40 - SubBits;          // up to 2^40 µs (~12 days), far above any timeout
    private const int BucketCount = Linear + MaxShift * (1 << SubBits);
    private static readonly double MicrosPerTick = 1_000_000.0 / Stopwatch.Frequency;

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }
    public long SumTicks { get; private set; }
    public long MaxTicks { get; private set; }

    public void Record(long elapsedTicks)
    {
        if (elapsedTicks < 0) elapsedTicks = 0;
        _counts[BucketOf((long)(elapsedTicks * MicrosPerTick))]++;
        Count++;
        SumTicks += elapsedTicks;
        if (elapsedTicks > MaxTicks) MaxTicks = elapsedTicks;
    }

    public void Add(LatencyHistogram other)
    {
        for (int i = 0; i < BucketCount; i++) _counts[i] += other._counts[i];
        Count += other.Count;
        SumTicks += other.SumTicks;
        MaxTicks = Math.Max(MaxTicks, other.MaxTicks);
    }

    public double MaxMs => MaxTicks * 1000.0 / Stopwatch.Frequency;

    public double MeanMs => Count == 0 ? 0 : SumTicks * 1000.0 / Stopwatch.Frequency / Count;

    /// <summary>The latency (ms) at or below which <paramref name="fraction"/> of the samples fall.</summary>
    public double PercentileMs(double fraction)
    {
        if (Count == 0) return 0;
        long rank = Math.Max(1, (long)Math.Ceiling(fraction * Count));
        long seen = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(UpperMicros(i) / 1000.0, MaxMs);
        }
        return MaxMs;
    }

    private static int BucketOf(long micros)
    {
        if (micros < Linear) return (int)micros;
        int msb = 63 - BitOperations.LeadingZeroCount((ulong)micros);   // >= SubBits + 1
        int shift = msb - SubBits;                                         // >= 1
        if (shift > MaxShift) return BucketCount - 1;
        int mantissa = (int)(micros >> shift);                             // 64..127
        return Linear + (shift - 1) * (1 << SubBits) + (mantissa - (1 << SubBits));
    }

    private static double UpperMicros(int bucket)
    {
        if (bucket < Linear) return bucket;
        int rel = bucket - Linear;
        int shift = rel / (1 << SubBits) + 1;
        long mantissa = rel % (1 << SubBits) + (1 << SubBits);
        return ((mantissa + 1) << shift) - 1;
    }
}

/// <summary>Everything one worker measured; owned by that worker alone until the run ends.</summary>
internal sealed class WorkerStats
{
    public LatencyHistogram[] Latency { get; } = [new(), new(), new(), new()];

    /// <summary>Non-2xx responses and transport failures, per operation.</summary>
    public long[] Errors { get; } = new long[4];

    /// <summary>Per operation: status code (0 = transport error or timeout) → count. Touched only on errors.</summary>
    public Dictionary<int, long>[] ErrorStatuses { get; } = [new(), new(), new(), new()];

    public long VerifyFailures { get; set; }

    public void RecordError(Op op, int status)
    {
        Errors[(int)op]++;
        ErrorStatuses[(int)op][status] = ErrorStatuses[(int)op].GetValueOrDefault(status) + 1;
    }

    public void Add(WorkerStats other)
    {
        for (int op = 0; op < 4; op++)
        {
            Latency[op].Add(other.Latency[op]);
            Errors[op] += other.Errors[op];
            foreach (var (status, n) in other.ErrorStatuses[op])
                ErrorStatuses[op][status] = ErrorStatuses[op].GetValueOrDefault(status) + n;
        }
        VerifyFailures += other.VerifyFailures;
    }
}
