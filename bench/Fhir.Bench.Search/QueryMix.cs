using System.Globalization;

namespace Fhir.Bench.Search;

/// <summary>
/// The researcher and EHR queries, each a generator of its URL from a seeded Random so the runs
/// vary the patient, code, date, value or threshold the way real callers would.
/// </summary>
internal sealed record Query(string Name, Func<Random, string> Url, bool IsCount = false);

internal static class QueryMix
{
    private const string Loinc = "http://loinc.org|";
    private const string Ucum = "|http://unitsofmeasure.org|";

    public static List<Query> Build(DataProfile data, int copies, IReadOnlyList<string> patientIds)
    {
        var common = data.ObservationCodes.Take(10).Select(c => c.Code).ToList();
        var years = data.LastYear - data.FirstYear + 1;
        string Pick(Random r, IReadOnlyList<string> list) => list[r.Next(list.Count)];
        string Copy(Random r) => "-c" + r.Next(copies).ToString(CultureInfo.InvariantCulture);
        string Num(decimal d) => d.ToString("0.##", CultureInfo.InvariantCulture);
        decimal Between(Random r, decimal min, decimal max) => min + (max - min) * (decimal)r.NextDouble();

        var queries = new List<Query>
        {
            new("EHR: Patient by MRN identifier", r => Url("Patient", ("identifier", DataProfile.MrnSystem + "|" + Pick(r, data.PatientMrns) + Copy(r)))),
            new("EHR: a patient's Observations of a code, newest first", r => Url("Observation",
                ("patient", "Patient/" + Pick(r, patientIds)), ("code", Loinc + Pick(r, common)), ("_sort", "-date"))),
            new("Observations by code and 1-year date range", r =>
            {
                var year = data.FirstYear + r.Next(years);
                return Url("Observation", ("code", Loinc + Pick(r, common)), ("date", $"ge{year}-01-01"), ("date", $"lt{year + 1}-01-01"));
            }),
            new("value-quantity above a value, with code", r =>
            {
                var q = data.QuantityCodes[r.Next(data.QuantityCodes.Count)];
                return Url("Observation", ("code", Loinc + q.Code), ("value-quantity", "ge" + Num(Between(r, q.Min, q.Max)) + Ucum + q.Unit));
            }),
            new("value-quantity range (ge & le), no code", r =>
            {
                var q = data.QuantityCodes[r.Next(data.QuantityCodes.Count)];
                var low = Between(r, q.Min, q.Max);
                var high = low + (q.Max - q.Min) / 20;
                return Url("Observation", ("value-quantity", "ge" + Num(low) + Ucum + q.Unit), ("value-quantity", "le" + Num(high) + Ucum + q.Unit));
            }),
            new("composite: MDM2 copy number >= 6..10", r => Url("Observation",
                ("code", Loinc + "69548-6"), ("component-code-value-quantity", Loinc + "82155-3$ge" + (6 + r.Next(5)).ToString(CultureInfo.InvariantCulture)))),
            new("_has: Patients with an Observation of a code", r => Url("Patient",
                ("_has:Observation:patient:code", Loinc + data.ObservationCodes[r.Next(data.ObservationCodes.Count)].Code))),
            new("_include: Observations of a code + their Patients", r => Url("Observation",
                ("code", Loinc + Pick(r, common)), ("_include", "Observation:subject"))),
            new("chain: Observation?subject.name=<family>", r => Url("Observation", ("subject.name", Pick(r, data.FamilyNames)))),
            new("count: Observation?code=<common code>", r => Url("Observation", ("code", Loinc + Pick(r, common)), ("_summary", "count")), IsCount: true),
            new("count: all Observations", _ => Url("Observation", ("_summary", "count")), IsCount: true),
            new("count: Observation?status=final (most)", _ => Url("Observation", ("status", "final"), ("_summary", "count")), IsCount: true),
            new("count: Observation?date=ge1900 (all dated)", _ => Url("Observation", ("date", "ge1900-01-01"), ("_summary", "count")), IsCount: true),
            // System level: the only counts with a million matches at a million resources.
            new("count: every resource (system level)", _ => Url("", ("_summary", "count")), IsCount: true),
            new("count: ?_lastUpdated=ge2000 (system level, all)", _ => Url("", ("_lastUpdated", "ge2000-01-01"), ("_summary", "count")), IsCount: true),
            new("count: ?_type=Observation,Encounter (system level)", _ => Url("", ("_type", "Observation,Encounter"), ("_summary", "count")), IsCount: true),
        };
        return queries;
    }

    private static string Url(string type, params (string Name, string Value)[] parameters) =>
        type + "?" + string.Join('&', parameters.Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value)));
}
