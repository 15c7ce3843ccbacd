using System.Globalization;
using System.IO.Compression;
using System.Text;
using Fhir.Bench.Validation;
using Fhir.Core.Json;

// Validation throughput, this validator, Medplum's validateResource and Firely's validator side by side on the same
// inputs in one run: the official R4 examples, trial-like Observations, and one 100-entry transaction Bundle; then the
// verdicts of this validator and Firely's on HL7's validator test cases and the trial profiles' examples.
// Usage: dotnet run -c Release --project bench/Fhir.Bench.Validation [-- [--no-medplum] [--no-firely] [<r4-examples.zip>]]
var withMedplum = !args.Contains("--no-medplum");
var withFirely = !args.Contains("--no-firely");
var zipPath = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal))
    ?? System.IO.Path.Combine(Repository.Root, "tests", "Fhir.Core.Tests", "Data", "r4-examples.zip");
if (withMedplum && MedplumJs.Problem() is { } problem)
{
    Console.Error.WriteLine(problem + " (or pass --no-medplum)");
    return 2;
}

var examples = new List<Input>();
using (var zip = ZipFile.OpenRead(zipPath))
{
    foreach (var entry in zip.Entries.OrderBy(e => e.FullName, StringComparer.Ordinal))
    {
        if (entry.FullName == "index.json")
        {
            continue;
        }
        using var stream = entry.Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        var bytes = memory.ToArray();
        var resource = FhirJsonReader.Parse(bytes).Resource;
        if (resource is not null && resource.Type.Name is not ("ConceptMap" or "CapabilityStatement" or "ImplementationGuide"))
        {
            examples.Add(new Input(entry.FullName, Encoding.UTF8.GetString(bytes), resource));
        }
    }
}

// The specification's definitional Bundles (every StructureDefinition, ValueSet, search parameter...): a handful of
// files of tens to thousands of entries each that would otherwise dominate the examples' figure.
var definitional = examples.Select((e, i) => (e, i)).Where(x => x.e.IsDefinitional).Select(x => x.i).ToHashSet();

Input Parsed(string name, string json) => new(name, json, FhirJsonReader.Parse(json).Resource!);
var declared = TrialData.Observations(1000).Select((j, i) => Parsed($"observation-{i}", j)).ToList();
var baseOnly = declared.Select(o => Parsed(o.Name, TrialData.WithoutProfile(o.Json))).ToList();
var bundle = Parsed("transaction-100", TrialData.TransactionBundle(100));

var sets = new
{
    Examples = new InputSet("R4 examples", 3, examples),
    Declared = new InputSet("trial Observations (declared profiles)", 10, declared),
    BaseOnly = new InputSet("trial Observations (base only)", 10, baseOnly),
    Bundle = new InputSet("100-entry transaction Bundle", 50, [bundle]),
};
Console.WriteLine($"R4 examples: {examples.Count} ({definitional.Count} definitional Bundles: {string.Join(", ", definitional.Select(i => examples[i].Name))}), trial Observations: {declared.Count}");

var ours = new
{
    Examples = OurValidator.Run(sets.Examples),
    Declared = OurValidator.Run(sets.Declared),
    BaseOnly = OurValidator.Run(sets.BaseOnly),
    Bundle = OurValidator.Run(sets.Bundle),
};
if (ours.Bundle.Rejected.Count > 0)
{
    throw new InvalidOperationException("the benchmark bundle must be valid: " + ours.Bundle.Rejected[0].Error);
}

// Medplum validates against the base definitions only (validateResource without a profile), so it gets the
// base-only Observations: the same resources as ours without meta.profile.
MedplumResult? medplum = withMedplum ? MedplumJs.Run([sets.Examples, sets.BaseOnly, sets.Bundle]) : null;
var theirs = medplum is null ? null : new { Examples = medplum.Sets[0], BaseOnly = medplum.Sets[1], Bundle = medplum.Sets[2] };

string Rate(double perSecond) => perSecond.ToString("N0", CultureInfo.InvariantCulture);
string Ratio(double a, double b) => b > 0 ? (a / b).ToString("F1", CultureInfo.InvariantCulture) + "x" : "-";
bool All(int _) => true;
bool Ordinary(int i) => !definitional.Contains(i);

var n = examples.Count;
var m = n - definitional.Count;
Console.WriteLine();
Console.WriteLine(medplum is null ? "Medplum: not run (--no-medplum)" : $"Medplum: {medplum.Engine} {medplum.Version} on node {medplum.Node}");
Console.WriteLine();
Console.WriteLine("| input | this validator (resources/s) | Medplum (resources/s) | ratio | accepted: this / Medplum |");
Console.WriteLine("|---|---|---|---|---|");
void Row(string name, SetTimings us, SetTimings? them, Func<int, bool> include, int count, string accepted)
{
    var a = us.PerSecond(include);
    var b = them?.PerSecond(include) ?? 0;
    Console.WriteLine($"| {name} | {Rate(a)} | {(them is null ? "-" : Rate(b))} | {Ratio(a, b)} | {accepted} |");
}
string Accepted(SetTimings us, SetTimings? them, Func<int, bool> include, int count) =>
    $"{count - us.Rejected.Count(r => include(r.Index))} / {(them is null ? "-" : (count - them.Rejected.Count(r => include(r.Index))).ToString(CultureInfo.InvariantCulture))} of {count}";
Row($"{n} R4 examples, all", ours.Examples, theirs?.Examples, All, n, Accepted(ours.Examples, theirs?.Examples, All, n));
Row($"{m} R4 examples, without the {definitional.Count} definitional Bundles", ours.Examples, theirs?.Examples, Ordinary, m, Accepted(ours.Examples, theirs?.Examples, Ordinary, m));
Row("1,000 trial Observations, base only", ours.BaseOnly, theirs?.BaseOnly, All, 1000, Accepted(ours.BaseOnly, theirs?.BaseOnly, All, 1000));
Row("1,000 trial Observations, ours with the declared profiles (bodyweight on half)", ours.Declared, theirs?.BaseOnly, All, 1000, Accepted(ours.Declared, theirs?.BaseOnly, All, 1000));
var bundleOurs = ours.Bundle.MedianMilliseconds(0);
var bundleTheirs = theirs?.Bundle.MedianMilliseconds(0) ?? 0;
Console.WriteLine($"| 100-entry transaction Bundle (resources/s = entries/s from the median) | {Rate(100 / bundleOurs * 1e3)} | {(theirs is null ? "-" : Rate(100 / bundleTheirs * 1e3))} | {Ratio(bundleTheirs, bundleOurs)} | {Accepted(ours.Bundle, theirs?.Bundle, All, 1)} |");
Console.WriteLine();
Console.WriteLine($"100-entry transaction Bundle: this validator median {bundleOurs:F2} ms, max {ours.Bundle.MaxMilliseconds(0):F2} ms" +
    (theirs is null ? "" : $"; Medplum median {bundleTheirs:F2} ms, max {theirs.Bundle.MaxMilliseconds(0):F2} ms"));

Console.WriteLine();
Console.WriteLine("Slowest R4 examples (median of the rounds, ms):");
Console.WriteLine("| file | Bundle entries | this validator | Medplum |");
Console.WriteLine("|---|---|---|---|");
foreach (var i in Enumerable.Range(0, n).OrderByDescending(ours.Examples.MedianMilliseconds).Take(15))
{
    Console.WriteLine($"| {examples[i].Name} | {examples[i].BundleEntries} | {ours.Examples.MedianMilliseconds(i):F1} | {(theirs is null ? "-" : theirs.Examples.MedianMilliseconds(i).ToString("F1", CultureInfo.InvariantCulture))} |");
}
var oursTotal = Enumerable.Range(0, n).Sum(ours.Examples.MedianMilliseconds);
var oursDefinitional = definitional.Sum(ours.Examples.MedianMilliseconds);
Console.WriteLine($"this validator: the {definitional.Count} definitional Bundles take {oursDefinitional:F0} of {oursTotal:F0} ms per pass ({100 * oursDefinitional / oursTotal:F0}%)");
if (theirs is not null)
{
    var total = Enumerable.Range(0, n).Sum(theirs.Examples.MedianMilliseconds);
    var part = definitional.Sum(theirs.Examples.MedianMilliseconds);
    Console.WriteLine($"Medplum: the {definitional.Count} definitional Bundles take {part:F0} of {total:F0} ms per pass ({100 * part / total:F0}%)");
}

// Firely: the same sets, one timed round on the examples (it is much slower on the definitional Bundles), as many as ours on the rest.
if (withFirely)
{
    var firely = new FirelyRunner();
    var f = new
    {
        Examples = firely.Run(sets.Examples, 1),
        Declared = firely.Run(sets.Declared, sets.Declared.Rounds),
        BaseOnly = firely.Run(sets.BaseOnly, sets.BaseOnly.Rounds),
        Bundle = firely.Run(sets.Bundle, sets.Bundle.Rounds),
    };
    Console.WriteLine();
    Console.WriteLine("Firely.Fhir.Validation.R4 3.6.0 (Hl7.Fhir.R4 6.8.0), same inputs, same process:");
    Console.WriteLine("| input | this validator (resources/s) | Firely (resources/s) | ratio | accepted: this / Firely |");
    Console.WriteLine("|---|---|---|---|---|");
    string FirelyAccepted(SetTimings us, SetTimings them, Func<int, bool> include, int count) =>
        $"{count - us.Rejected.Count(r => include(r.Index))} / {count - them.Rejected.Count(r => include(r.Index))} of {count}";
    void FirelyRow(string name, SetTimings us, SetTimings them, Func<int, bool> include, int count)
    {
        var a = us.PerSecond(include);
        var b = them.PerSecond(include);
        Console.WriteLine($"| {name} | {Rate(a)} | {Rate(b)} | {Ratio(a, b)} | {FirelyAccepted(us, them, include, count)} |");
    }
    FirelyRow($"{n} R4 examples, all", ours.Examples, f.Examples, All, n);
    FirelyRow($"{m} R4 examples, without the {definitional.Count} definitional Bundles", ours.Examples, f.Examples, Ordinary, m);
    FirelyRow("1,000 trial Observations, base only", ours.BaseOnly, f.BaseOnly, All, 1000);
    FirelyRow("1,000 trial Observations, declared profiles", ours.Declared, f.Declared, All, 1000);
    var bundleFirely = f.Bundle.MedianMilliseconds(0);
    Console.WriteLine($"| 100-entry transaction Bundle (entries/s from the median) | {Rate(100 / bundleOurs * 1e3)} | {Rate(100 / bundleFirely * 1e3)} | {Ratio(bundleFirely, bundleOurs)} | {FirelyAccepted(ours.Bundle, f.Bundle, All, 1)} |");
    Console.WriteLine($"100-entry transaction Bundle: Firely median {bundleFirely:F2} ms, max {f.Bundle.MaxMilliseconds(0):F2} ms");
    var ourRejected = ours.Examples.Rejected.Select(r => r.Index).ToHashSet();
    var theirRejected = f.Examples.Rejected.ToDictionary(r => r.Index, r => r.Error);
    Console.WriteLine("R4 examples where the verdicts differ (ours / Firely):");
    foreach (var i in Enumerable.Range(0, n).Where(i => ourRejected.Contains(i) != theirRejected.ContainsKey(i)))
    {
        Console.WriteLine($"  {examples[i].Name}: {(ourRejected.Contains(i) ? "errors" : "none")} / {(theirRejected.TryGetValue(i, out var e) ? "errors: " + e : "none")}");
    }
    Verdicts.Print();
}

void Rejections(string who, SetTimings t, InputSet set)
{
    Console.WriteLine($"{who} rejects {t.Rejected.Count} of {set.Items.Count} in {set.Name}" + (t.Rejected.Count == 0 ? "" : ":"));
    foreach (var r in t.Rejected.Take(40))
    {
        Console.WriteLine($"  {set.Items[r.Index].Name}: {r.Error}");
    }
}
Console.WriteLine();
Rejections("this validator", ours.Examples, sets.Examples);
Rejections("this validator", ours.Declared, sets.Declared);
if (theirs is not null)
{
    Rejections("Medplum", theirs.Examples, sets.Examples);
    Rejections("Medplum", theirs.BaseOnly, sets.BaseOnly);
}
return 0;
