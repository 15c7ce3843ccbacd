namespace Fhir.Validation.Packages;

/// <summary>
/// A package version (<c>5.3.0-ballot-tc1</c>) ordered like semantic versions: numeric parts first, and a
/// pre-release before its release. Non-numeric parts compare as text, so odd versions still order deterministically.
/// </summary>
internal readonly record struct PackageVersion(string Text) : IComparable<PackageVersion>
{
    public int CompareTo(PackageVersion other)
    {
        var (a, aPre) = Split(Text);
        var (b, bPre) = Split(other.Text);
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var x = i < a.Length ? a[i] : "0";
            var y = i < b.Length ? b[i] : "0";
            var c = int.TryParse(x, out var xi) && int.TryParse(y, out var yi) ? xi.CompareTo(yi) : string.CompareOrdinal(x, y);
            if (c != 0)
            {
                return c;
            }
        }
        return (aPre, bPre) switch
        {
            (null, null) => 0,
            (null, _) => 1,
            (_, null) => -1,
            _ => string.CompareOrdinal(aPre, bPre),
        };
    }

    /// <summary>
    /// The version among <paramref name="available"/> nearest to <paramref name="wanted"/>: the exact one, else the
    /// oldest newer one (packages are mostly backwards compatible), else the newest older one; null when none.
    /// </summary>
    public static string? Nearest(string wanted, IEnumerable<string> available)
    {
        var w = new PackageVersion(wanted);
        var sorted = available.Distinct(StringComparer.Ordinal).Select(v => new PackageVersion(v)).Order().ToList();
        if (sorted.Count == 0)
        {
            return null;
        }
        foreach (var v in sorted)
        {
            if (v.CompareTo(w) >= 0)
            {
                return v.Text;
            }
        }
        return sorted[^1].Text;
    }

    private static (string[] Numbers, string? PreRelease) Split(string text)
    {
        var dash = text.IndexOf('-');
        return dash < 0 ? (text.Split('.'), null) : (text[..dash].Split('.'), text[(dash + 1)..]);
    }
}
