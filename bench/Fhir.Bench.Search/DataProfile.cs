using System.Text.Json;

namespace Fhir.Bench.Search;

/// <summary>What the queries vary over, read from the original bundles: the same values exist in every copy.</summary>
internal sealed class DataProfile
{
    public const string MrnSystem = "http://hospital.smarthealthit.org";

    public List<string> PatientMrns { get; } = [];
    public List<string> FamilyNames { get; } = [];

    /// <summary>LOINC Observation codes, most frequent first.</summary>
    public List<(string Code, int Count)> ObservationCodes { get; } = [];

    /// <summary>Observation codes with a valueQuantity: UCUM unit and the observed value range.</summary>
    public List<(string Code, string Unit, decimal Min, decimal Max)> QuantityCodes { get; } = [];

    public int FirstYear { get; private set; } = int.MaxValue;
    public int LastYear { get; private set; }

    public static DataProfile Of(SyntheaCopies data)
    {
        var profile = new DataProfile();
        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        var quantities = new Dictionary<(string, string), (decimal Min, decimal Max, int Count)>();
        foreach (var json in data.Patients)
        {
            using var doc = JsonDocument.Parse(json);
            foreach (var entry in doc.RootElement.GetProperty("entry").EnumerateArray())
            {
                var r = entry.GetProperty("resource");
                switch (r.GetProperty("resourceType").GetString())
                {
                    case "Patient":
                        foreach (var id in r.GetProperty("identifier").EnumerateArray())
                            if (id.TryGetProperty("system", out var s) && s.GetString() == MrnSystem) profile.PatientMrns.Add(id.GetProperty("value").GetString()!);
                        profile.FamilyNames.Add(r.GetProperty("name")[0].GetProperty("family").GetString()!);
                        break;
                    case "Observation":
                        var coding = r.GetProperty("code").GetProperty("coding")[0];
                        if (coding.GetProperty("system").GetString() != "http://loinc.org") break;
                        var code = coding.GetProperty("code").GetString()!;
                        codes[code] = codes.GetValueOrDefault(code) + 1;
                        if (r.TryGetProperty("effectiveDateTime", out var when) && int.TryParse(when.GetString()![..4], out var year))
                        {
                            profile.FirstYear = Math.Min(profile.FirstYear, year);
                            profile.LastYear = Math.Max(profile.LastYear, year);
                        }
                        if (r.TryGetProperty("valueQuantity", out var q) && q.TryGetProperty("code", out var unit) && q.TryGetProperty("value", out var v))
                        {
                            var key = (code, unit.GetString()!);
                            var value = v.GetDecimal();
                            quantities[key] = quantities.TryGetValue(key, out var range)
                                ? (Math.Min(range.Min, value), Math.Max(range.Max, value), range.Count + 1)
                                : (value, value, 1);
                        }
                        break;
                }
            }
        }
        profile.ObservationCodes.AddRange(codes.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => (c.Key, c.Value)));
        profile.QuantityCodes.AddRange(quantities.Where(q => q.Value.Count >= 20 && q.Value.Max > q.Value.Min)
            .OrderByDescending(q => q.Value.Count).Select(q => (q.Key.Item1, q.Key.Item2, q.Value.Min, q.Value.Max)));
        return profile;
    }
}
