namespace Fhir.Plots;

/// <summary>A linear scale from data values to pixels (pixels may run backwards, as a y axis does).</summary>
/// <param name="DataMin">The data value at <paramref name="PixelMin"/>.</param>
/// <param name="DataMax">The data value at <paramref name="PixelMax"/>.</param>
/// <param name="PixelMin">The pixel of <paramref name="DataMin"/>.</param>
/// <param name="PixelMax">The pixel of <paramref name="DataMax"/>.</param>
public sealed record Axis(double DataMin, double DataMax, double PixelMin, double PixelMax)
{
    /// <summary>The pixel of <paramref name="value"/>.</summary>
    public double Map(double value) =>
        DataMax == DataMin ? PixelMin : PixelMin + (value - DataMin) / (DataMax - DataMin) * (PixelMax - PixelMin);

    /// <summary>Round tick values from <see cref="DataMin"/> to <see cref="DataMax"/>, <paramref name="step"/> apart.</summary>
    public IReadOnlyList<double> Ticks(double step)
    {
        var ticks = new List<double>();
        var low = Math.Min(DataMin, DataMax);
        var high = Math.Max(DataMin, DataMax);
        for (var v = Math.Ceiling(low / step) * step; v <= high + 1e-9; v += step)
        {
            ticks.Add(Math.Round(v, 6));
        }
        return ticks;
    }

    /// <summary>A tick step giving about <paramref name="count"/> ticks over <paramref name="span"/> (1, 2, 3 or 6 times a power of ten... months read best in 3s).</summary>
    public static double NiceStep(double span, int count, bool months = false)
    {
        if (span <= 0)
        {
            return 1;
        }
        var raw = span / count;
        if (months)
        {
            foreach (var m in new double[] { 1, 2, 3, 6, 12, 24, 36, 60 })
            {
                if (m >= raw)
                {
                    return m;
                }
            }
            return 120;
        }
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (var f in new double[] { 1, 2, 5, 10 })
        {
            if (f * power >= raw)
            {
                return f * power;
            }
        }
        return 10 * power;
    }
}
