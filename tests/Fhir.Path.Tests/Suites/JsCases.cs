namespace Fhir.Path.Tests.Suites;

/// <summary>One case of the fhirpath.js YAML suites.</summary>
internal sealed record JsCase(
    string File,
    string Group,
    string Description,
    string Expression,
    IReadOnlyList<object?>? Result,
    bool ExpectsError,
    string? InputFile,
    bool Disabled,
    string? Context,
    YamlMap? Variables,
    object? Subject)
{
    public override string ToString() => $"{File} / {Group} / {Description}: {Expression}";
}

/// <summary>Reads the fhirpath.js YAML cases (<c>fhirpath/fhirpath.js-cases/test/cases/*.yaml</c>).</summary>
internal static class JsCases
{
    public const string RelativePath = "fhirpath/fhirpath.js-cases/test/cases";

    private static readonly Lazy<IReadOnlyList<JsCase>> All = new(Load);

    public static IReadOnlyList<JsCase> Cases => All.Value;

    private static IReadOnlyList<JsCase> Load()
    {
        var folder = SuiteFiles.Find(RelativePath);
        if (folder is null)
        {
            return [];
        }
        var cases = new List<JsCase>();
        foreach (var path in Directory.GetFiles(folder, "*.yaml").Order(StringComparer.Ordinal))
        {
            var file = System.IO.Path.GetFileName(path);
            if (YamlSubset.Parse(File.ReadAllText(path)) is not YamlMap root)
            {
                continue;
            }
            var subject = root["subject"];
            if (root["tests"] is List<object?> tests)
            {
                Collect(tests, file, "", subject, disabled: false, cases);
            }
        }
        return cases;
    }

    private static void Collect(List<object?> items, string file, string group, object? subject, bool disabled, List<JsCase> into)
    {
        foreach (var item in items)
        {
            if (item is not YamlMap map)
            {
                continue;
            }
            var groupEntry = map.FirstOrDefault(e => e.Key.Contains("group:", StringComparison.Ordinal) && e.Value is List<object?>);
            if (groupEntry.Key is not null)
            {
                var name = groupEntry.Key[(groupEntry.Key.IndexOf("group:", StringComparison.Ordinal) + 6)..].Trim();
                var groupDisabled = disabled || map["disable"] is true;
                Collect((List<object?>)groupEntry.Value!, file, group.Length == 0 ? name : group + " / " + name, subject, groupDisabled, into);
                continue;
            }
            if (map["expression"] is not { } expression)
            {
                continue;
            }
            into.Add(new JsCase(
                file,
                group,
                map["desc"] as string ?? "",
                Convert.ToString(expression, System.Globalization.CultureInfo.InvariantCulture)!,
                map["result"] as List<object?>,
                map["error"] is true || (map["error"] is List<object?> flags && flags.Contains(true)),
                map["inputfile"] as string,
                disabled || map["disable"] is true,
                map["context"] as string,
                map["variables"] as YamlMap,
                subject));
        }
    }
}
