using System.IO.Compression;
using System.Text.Json;

namespace Fhir.Core.Ucum;

/// <summary>
/// The UCUM table (prefixes, base units, defined units) read from the embedded <c>ucum-essence.json.gz</c>
/// written by <c>scripts/update-ucum.py</c>. Every unit is resolved to base units once, at load;
/// afterwards the instance is immutable and safe to share between threads.
/// </summary>
internal sealed class UcumData
{
    public const string ResourceName = "ucum-essence.json.gz";

    private static readonly Lazy<UcumData> Embedded = new(LoadEmbedded, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<string, UcumAtom> _atoms = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UcumPrefix> _prefixes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _arbitraryKeys = new(StringComparer.Ordinal);
    private readonly UcumPrefix[] _prefixesLongestFirst;

    private UcumData(JsonElement root)
    {
        Version = root.GetProperty("version").GetString() ?? "";
        RevisionDate = root.TryGetProperty("revisionDate", out var date) ? date.GetString() : null;

        foreach (var p in root.GetProperty("prefixes").EnumerateArray())
        {
            var prefix = new UcumPrefix(Text(p, "code")!, Text(p, "name") ?? "", Rational.Parse(Text(p, "value")!));
            _prefixes.Add(prefix.Code, prefix);
        }

        _prefixesLongestFirst = [.. _prefixes.Values.OrderByDescending(p => p.Code.Length).ThenBy(p => p.Code, StringComparer.Ordinal)];

        foreach (var b in root.GetProperty("baseUnits").EnumerateArray())
        {
            var code = Text(b, "code")!;
            _atoms.Add(code, new UcumAtom
            {
                Code = code,
                Name = Text(b, "name") ?? code,
                IsBase = true,
                IsMetric = true,
                Property = Text(b, "property"),
                ValueText = "1",
                Factor = Rational.One,
                Dimension = Dimension.Of(code),
                Resolved = true,
            });
        }

        foreach (var u in root.GetProperty("units").EnumerateArray())
        {
            var code = Text(u, "code")!;
            var function = Text(u, "fn");
            _atoms.Add(code, new UcumAtom
            {
                Code = code,
                Name = Text(u, "name") ?? code,
                IsMetric = u.TryGetProperty("metric", out var m) && m.ValueKind == JsonValueKind.True,
                IsArbitrary = u.TryGetProperty("arbitrary", out var a) && a.ValueKind == JsonValueKind.True,
                Class = Text(u, "class"),
                Property = Text(u, "property"),
                ValueText = Text(u, "value") ?? "1",
                UnitText = Text(u, "unit"),
                FunctionName = function,
                Special = function is null ? null : SpecialFunction.Find(function),
            });
        }

        foreach (var atom in _atoms.Values)
        {
            Resolve(atom);
        }
    }

    /// <summary>The table loaded from the resource embedded in Fhir.Core.</summary>
    public static UcumData Instance => Embedded.Value;

    /// <summary>UCUM version of the table (e.g. <c>2.0.1</c>).</summary>
    public string Version { get; }

    /// <summary>Revision date of the table (e.g. <c>2015-11-13</c>).</summary>
    public string? RevisionDate { get; }

    public IReadOnlyCollection<UcumAtom> Atoms => _atoms.Values;

    public IReadOnlyCollection<UcumPrefix> Prefixes => _prefixes.Values;

    /// <summary>The prefixes, two-letter ones (<c>da</c>, <c>Ki</c>…) first.</summary>
    public ReadOnlySpan<UcumPrefix> PrefixesLongestFirst => _prefixesLongestFirst;

    public static UcumData Load(Stream gzipJson)
    {
        using var gzip = new GZipStream(gzipJson, CompressionMode.Decompress);
        using var doc = JsonDocument.Parse(gzip);
        return new UcumData(doc.RootElement);
    }

    public UcumAtom? FindAtom(string code) => _atoms.TryGetValue(code, out var atom) ? Resolve(atom) : null;

    public bool TryGetAtom(ReadOnlySpan<char> code, out UcumAtom atom)
    {
        var lookup = _atoms.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(code, out var found))
        {
            atom = Resolve(found);
            return true;
        }

        atom = null!;
        return false;
    }

    /// <summary>True for a dimension key that is an arbitrary unit rather than one of the seven base units.</summary>
    public bool IsArbitraryKey(string key) => _arbitraryKeys.Contains(key);

    private static UcumData LoadEmbedded()
    {
        var stream = typeof(UcumData).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded UCUM table ({ResourceName}) is missing from Fhir.Core.");
        return Load(stream);
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private UcumAtom Resolve(UcumAtom atom)
    {
        if (atom.Resolved)
        {
            return atom;
        }

        if (atom.Resolving)
        {
            throw new InvalidOperationException($"The UCUM table defines '{atom.Code}' in terms of itself.");
        }

        atom.Resolving = true;
        var value = Rational.Parse(atom.ValueText);
        var unitText = atom.UnitText ?? "1";
        if (atom.IsArbitrary && unitText == "1")
        {
            // An arbitrary unit with no reference: its own dimension.
            _arbitraryKeys.Add(atom.Code);
            atom.Factor = value;
            atom.Dimension = Dimension.Of(atom.Code);
        }
        else
        {
            var parsed = UcumParser.Parse(this, unitText);
            if (!parsed.IsValid || parsed.Problem is not null)
            {
                throw new InvalidOperationException(
                    $"The UCUM table defines '{atom.Code}' as '{unitText}', which cannot be resolved: {parsed.Error ?? parsed.Problem}");
            }

            atom.Factor = value * parsed.Factor;
            atom.Dimension = parsed.Dimension;
        }

        atom.Resolving = false;
        atom.Resolved = true;
        return atom;
    }
}
