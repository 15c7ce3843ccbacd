using System.Text.Json;

namespace Fhir.Trials.Tests.Statistics;

/// <summary>The reference figures R computed (<c>scripts/r-reference-figures.R</c>), read from the committed fixture.</summary>
internal sealed class RFixture
{
    private static readonly Lazy<RFixture> Loaded = new(() => new RFixture(File.ReadAllText(System.IO.Path.Combine(Folder, "r-reference.json"))));

    private RFixture(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var provenance = root.GetProperty("provenance");
        Provenance = $"{provenance.GetProperty("R").GetString()}, survival {provenance.GetProperty("survival").GetString()}";
        Survival = [.. root.GetProperty("survival").EnumerateArray().Select(c => new SurvivalCase(
            c.GetProperty("name").GetString()!,
            Doubles(c.GetProperty("time")),
            [.. Doubles(c.GetProperty("status")).Select(s => (int)s)],
            Doubles(c.GetProperty("landmarkTimes")),
            Doubles(c.GetProperty("riskTimes")),
            c.GetProperty("n").GetInt32(),
            c.GetProperty("events").GetInt32(),
            Number(c.GetProperty("median")), Number(c.GetProperty("lower")), Number(c.GetProperty("upper")),
            [.. c.GetProperty("landmarks").EnumerateArray().Select(l => new RLandmark(l.GetProperty("time").GetDouble(), l.GetProperty("surv").GetDouble(), Number(l.GetProperty("lower")), Number(l.GetProperty("upper"))))],
            [.. Doubles(c.GetProperty("atRisk")).Select(a => (int)a)],
            Number(c.GetProperty("followUpMedian"))))];
        Binomial = [.. root.GetProperty("binomial").EnumerateArray().Select(b => new BinomialCase(
            b.GetProperty("name").GetString()!, b.GetProperty("x").GetInt32(), b.GetProperty("n").GetInt32(),
            Number(b.GetProperty("estimate")), Number(b.GetProperty("lower")), Number(b.GetProperty("upper"))))];
    }

    public static RFixture Instance => Loaded.Value;

    /// <summary>The fixtures' folder in the repository.</summary>
    public static string Folder => System.IO.Path.Combine(Repository.Root, "tests", "Fhir.Trials.Tests", "Statistics", "Fixtures");

    /// <summary>R and survival versions that computed the figures.</summary>
    public string Provenance { get; }

    public IReadOnlyList<SurvivalCase> Survival { get; }

    public IReadOnlyList<BinomialCase> Binomial { get; }

    public SurvivalCase SurvivalCase(string name) => Survival.Single(c => c.Name == name);

    public BinomialCase BinomialCase(string name) => Binomial.Single(c => c.Name == name);

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];

    private static double? Number(JsonElement value) => value.ValueKind == JsonValueKind.Null ? null : value.GetDouble();
}

/// <summary>One Kaplan-Meier data set with R's figures.</summary>
internal sealed record SurvivalCase(
    string Name, double[] Time, int[] Status, double[] LandmarkTimes, double[] RiskTimes, int N, int Events,
    double? Median, double? Lower, double? Upper, IReadOnlyList<RLandmark> Landmarks, int[] AtRisk, double? FollowUpMedian);

/// <summary>S(t) with its limits as <c>summary(fit, times)</c> gives them.</summary>
internal sealed record RLandmark(double Time, double Surv, double? Lower, double? Upper);

/// <summary>An exact binomial interval as <c>binom.test</c> gives it (null for n = 0, which R refuses).</summary>
internal sealed record BinomialCase(string Name, int X, int N, double? Estimate, double? Lower, double? Upper);

/// <summary>Counts the figures compared with R and the largest difference, for the test output.</summary>
internal sealed class Agreement
{
    public int Compared { get; private set; }

    public double MaxDifference { get; private set; }

    /// <summary>Asserts that <paramref name="ours"/> equals R's value within <paramref name="tolerance"/> (both absent counts as agreeing).</summary>
    public void Same(string what, double? r, double? ours, double tolerance)
    {
        Assert.True(r.HasValue == ours.HasValue, $"{what}: R {(r.HasValue ? r.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "absent")}, ours {(ours.HasValue ? ours.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : "absent")}");
        Compared++;
        if (r is { } a && ours is { } b)
        {
            var difference = Math.Abs(a - b);
            Assert.True(difference <= tolerance, $"{what}: R {a:R}, ours {b:R}");
            MaxDifference = Math.Max(MaxDifference, difference);
        }
    }

    public override string ToString() =>
        $"{Compared} figures compared with R, largest absolute difference {MaxDifference.ToString("G3", System.Globalization.CultureInfo.InvariantCulture)}";
}
