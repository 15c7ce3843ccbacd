namespace Fhir.Trials.Statistics;

/// <summary>
/// The Kaplan-Meier estimate of a survival curve with Greenwood variances, its median and the
/// median's Brookmeyer-Crowley confidence interval.
/// </summary>
public sealed class KaplanMeier
{
    private readonly KaplanMeierStep[] _steps;
    private readonly double[] _times;

    private KaplanMeier(KaplanMeierStep[] steps, double[] times, int events)
    {
        _steps = steps;
        _times = times;
        Events = events;
        Censored = times.Length - events;
    }

    /// <summary>The curve at each distinct event time, in time order.</summary>
    public IReadOnlyList<KaplanMeierStep> Steps => _steps;

    /// <summary>Subjects whose follow-up ended in the event.</summary>
    public int Events { get; }

    /// <summary>Subjects censored.</summary>
    public int Censored { get; }

    /// <summary>Estimates the curve from follow-up times (any order; ties allowed).</summary>
    public static KaplanMeier Estimate(IEnumerable<SurvivalTime> times)
    {
        ArgumentNullException.ThrowIfNull(times);
        var sorted = times.ToArray();
        // At a tied time events come first: a subject censored at t was still at risk at t.
        Array.Sort(sorted, static (x, y) => x.Time != y.Time ? x.Time.CompareTo(y.Time) : x.Status.CompareTo(y.Status));
        var steps = new List<KaplanMeierStep>();
        var atRisk = sorted.Length;
        double survival = 1, greenwood = 0;
        var events = 0;
        var i = 0;
        while (i < sorted.Length)
        {
            var time = sorted[i].Time;
            int died = 0, left = 0;
            for (; i < sorted.Length && sorted[i].Time == time; i++)
            {
                left++;
                if (sorted[i].Status == SurvivalStatus.Event)
                {
                    died++;
                }
            }
            if (died > 0)
            {
                survival *= (double)(atRisk - died) / atRisk;
                greenwood = atRisk == died ? double.PositiveInfinity : greenwood + (double)died / ((double)atRisk * (atRisk - died));
                steps.Add(new KaplanMeierStep(time, atRisk, died, survival, greenwood));
                events += died;
            }
            atRisk -= left;
        }
        return new KaplanMeier([.. steps], [.. sorted.Select(t => t.Time)], events);
    }

    /// <summary>Subjects in the sample.</summary>
    public int Count => _times.Length;

    /// <summary>
    /// Subjects at risk at <paramref name="time"/>: those whose follow-up lasts at least that long (R's <c>n.risk</c> from
    /// <c>summary(fit, times, extend = TRUE)</c>; 0 after the last follow-up).
    /// </summary>
    public int AtRisk(double time)
    {
        // _times is sorted: the first index with a time >= the given one.
        int low = 0, high = _times.Length;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (_times[mid] < time)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return _times.Length - low;
    }

    /// <summary>
    /// S(<paramref name="time"/>) with its pointwise confidence interval, as R's <c>summary(fit, times)</c> gives it: null
    /// when the sample is empty or the time lies after the last follow-up (not estimable there); the limits are null
    /// where S is 1 or 0 (the transform is undefined there).
    /// </summary>
    public SurvivalEstimate? At(double time, double confidence = 0.95, ConfidenceTransform transform = ConfidenceTransform.LogLog)
    {
        if (_times.Length == 0 || time > _times[^1])
        {
            return null;
        }
        KaplanMeierStep? last = null;
        foreach (var step in _steps)
        {
            if (step.Time > time)
            {
                break;
            }
            last = step;
        }
        if (last is not { } s || s.Survival >= 1)
        {
            return new SurvivalEstimate(time, 1, null, null);
        }
        var (lower, upper) = Limits(s, NormalQuantile(1 - (1 - confidence) / 2), transform);
        return double.IsNaN(lower) || double.IsNaN(upper)
            ? new SurvivalEstimate(time, s.Survival, null, null)
            : new SurvivalEstimate(time, s.Survival, lower, upper);
    }

    /// <summary>S(t): 1 before the first event time, then the value of the last step at or before t.</summary>
    public double SurvivalAt(double time)
    {
        var s = 1.0;
        foreach (var step in _steps)
        {
            if (step.Time > time)
            {
                break;
            }
            s = step.Survival;
        }
        return s;
    }

    /// <summary>
    /// The median and its Brookmeyer-Crowley confidence interval: the times at which the pointwise
    /// confidence limits of S(t) (on the <paramref name="transform"/> scale) cross 0.5, which is how
    /// R's <c>survival::survfit</c> reports them.
    /// </summary>
    public MedianEstimate Median(double confidence = 0.95, ConfidenceTransform transform = ConfidenceTransform.LogLog)
    {
        var z = NormalQuantile(1 - (1 - confidence) / 2);
        var lowerCurve = new double[_steps.Length];
        var upperCurve = new double[_steps.Length];
        var pointCurve = new double[_steps.Length];
        for (var i = 0; i < _steps.Length; i++)
        {
            var step = _steps[i];
            pointCurve[i] = step.Survival;
            (lowerCurve[i], upperCurve[i]) = Limits(step, z, transform);
        }
        // The lower limit of the median comes from the lower curve (it falls to 0.5 first).
        return new MedianEstimate(Crossing(pointCurve, 0.5), Crossing(lowerCurve, 0.5), Crossing(upperCurve, 0.5));
    }

    private static (double Lower, double Upper) Limits(KaplanMeierStep step, double z, ConfidenceTransform transform)
    {
        var s = step.Survival;
        if (s <= 0 || double.IsInfinity(step.GreenwoodSum))
        {
            // Neither transform is defined at S = 0; survfit leaves the limits missing there, so they never cross.
            return (double.NaN, double.NaN);
        }
        var sigma = Math.Sqrt(step.GreenwoodSum);
        if (transform == ConfidenceTransform.Log)
        {
            return (s * Math.Exp(-z * sigma), Math.Min(1, s * Math.Exp(z * sigma)));
        }
        var logS = Math.Log(s);
        var w = z * sigma / Math.Abs(logS);
        return (Math.Pow(s, Math.Exp(w)), Math.Pow(s, Math.Exp(-w)));
    }

    // The first time a step curve is at or below p; when it sits exactly on p, the middle of that flat
    // stretch (to the next drop, else to the last time observed), as survfit does.
    private double? Crossing(double[] curve, double p)
    {
        // survfit's tolerance for "exactly p": the square root of the double epsilon.
        const double tolerance = 1.4901161193847656e-8;
        for (var i = 0; i < curve.Length; i++)
        {
            if (double.IsNaN(curve[i]) || curve[i] > p + tolerance)
            {
                continue;
            }
            if (Math.Abs(curve[i] - p) <= tolerance)
            {
                for (var j = i + 1; j < curve.Length; j++)
                {
                    if (curve[j] < curve[i] - tolerance)
                    {
                        return (_steps[i].Time + _steps[j].Time) / 2;
                    }
                }
                // Flat at p up to the end of follow-up: the middle of the stretch to the last time observed.
                return (_steps[i].Time + _times[^1]) / 2;
            }
            return _steps[i].Time;
        }
        return null;
    }

    /// <summary>The standard normal quantile by Acklam's rational approximation (relative error below 1.2e-9, ample for a confidence level).</summary>
    internal static double NormalQuantile(double p)
    {
        if (p <= 0 || p >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(p));
        }
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        double x;
        if (p < low)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        else if (p <= 1 - low)
        {
            var q = p - 0.5;
            var r = q * q;
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
        }
        else
        {
            var q = Math.Sqrt(-2 * Math.Log(1 - p));
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        return x;
    }
}
