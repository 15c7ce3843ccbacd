using System.Text.Json;
using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Trials.Tests.Profiles;

/// <summary>
/// Checks what FHIRPath alone can check of the trial's own profiles, until the validator lands: each error
/// invariant, every element and slice the differential makes required, patterns, fixed codes, single-type
/// choices, and required bindings to the trial's own value sets (also inside the trial's extensions).
/// </summary>
internal static class ProfileChecker
{
    // The variant profile's component slices are discriminated by component.code; these are the LOINC codes of those the trial constrains.
    private static readonly Dictionary<string, string> ComponentSliceCodes = new()
    {
        ["gene-studied"] = "48018-6", ["copy-number"] = "82155-3", ["coding-change-type"] = "48019-4", ["genomic-source-class"] = "48002-0",
    };

    /// <summary>The broken rules, empty when the resource passes every check.</summary>
    public static IReadOnlyList<string> Check(ElementNode resource, string profileUrl)
    {
        var failures = new List<string>();
        foreach (var (rule, expression) in Rules(profileUrl))
        {
            if (FhirPathCompiler.Compile(expression).EvaluateBoolean(resource) != true)
            {
                failures.Add($"{rule}: {expression}");
            }
        }
        return failures;
    }

    public static IEnumerable<(string Rule, string Expression)> Rules(string profileUrl)
    {
        var sd = ProfilesFolder.Canonicals[profileUrl];
        if (sd.GetProperty("baseDefinition").GetString() == "http://hl7.org/fhir/uv/genomics-reporting/StructureDefinition/variant")
        {
            // Inherited from genomics-base: category slices labCategory and geCategory are 1..1.
            yield return ("genomic-base category", "category.coding.where(code = 'laboratory').exists() and category.coding.where(code = 'GE').exists()");
        }
        foreach (var element in sd.GetProperty("differential").GetProperty("element").EnumerateArray())
        {
            var id = element.GetProperty("id").GetString()!;
            var parts = id.Split('.');
            foreach (var constraint in element.TryGetProperty("constraint", out var cs) ? cs.EnumerateArray() : default)
            {
                if (constraint.GetProperty("severity").GetString() == "error" && parts.Length == 1)
                {
                    yield return (constraint.GetProperty("key").GetString()!, constraint.GetProperty("expression").GetString()!);
                }
            }
            if (parts.Length == 1)
            {
                continue;
            }
            var last = parts[^1];
            var parent = string.Join('.', parts[1..^1]);
            var min = element.TryGetProperty("min", out var m) ? m.GetInt32() : 0;
            if (parts[1..^1].Any(p => p.Contains(':')))
            {
                // Below a component slice: patterns on the slice's value.
                if (parts.Length == 3 && parts[1].StartsWith("component:", StringComparison.Ordinal) && last == "value[x]"
                    && element.TryGetProperty("patternCodeableConcept", out var slicePattern))
                {
                    var code = ComponentSliceCodes[parts[1].Split(':')[1]];
                    yield return ($"{id} pattern", $"component.where(code.coding.code = '{code}').value.ofType(CodeableConcept).all({HasCoding(slicePattern)})");
                }
                continue;
            }
            var name = last.Split(':')[0].Replace("[x]", "", StringComparison.Ordinal);
            var path = parent.Length == 0 ? name : $"{parent}.{name}";
            if (last.Contains(':'))
            {
                if (min > 0 && name == "extension")
                {
                    var url = element.GetProperty("type")[0].GetProperty("profile")[0].GetString()!;
                    yield return ($"{id} min {min}", Scoped(parent, $"extension('{url}').exists()"));
                }
                else if (min > 0 && name == "component")
                {
                    yield return ($"{id} min {min}", $"component.where(code.coding.code = '{ComponentSliceCodes[last.Split(':')[1]]}').exists()");
                }
                if (name == "extension")
                {
                    foreach (var rule in ExtensionRules(parent, element.GetProperty("type")[0].GetProperty("profile")[0].GetString()!))
                    {
                        yield return rule;
                    }
                }
                continue;
            }
            if (min > 0)
            {
                yield return ($"{id} min {min}", Scoped(parent, $"{name}.exists()"));
            }
            if (element.TryGetProperty("patternCodeableConcept", out var pattern))
            {
                yield return ($"{id} pattern", $"{ValueOf(path, element)}.all({HasCoding(pattern)})");
            }
            if (element.TryGetProperty("fixedCode", out var fixedCode))
            {
                yield return ($"{id} fixed", $"{path}.all($this = '{fixedCode.GetString()}')");
            }
            if (last.EndsWith("[x]", StringComparison.Ordinal) && element.TryGetProperty("type", out var types) && types.GetArrayLength() == 1)
            {
                var type = types[0].GetProperty("code").GetString()!;
                yield return ($"{id} type {type}", $"{path}.all($this is {type})");
            }
            if (element.TryGetProperty("binding", out var binding) && binding.GetProperty("strength").GetString() == "required"
                && AllowedCodes(binding.GetProperty("valueSet").GetString()!) is { } allowed)
            {
                yield return ($"{id} binding", $"{ValueOf(path, element)}.all({InCodes(allowed)})");
            }
        }
    }

    /// <summary>The value type and required binding of a trial extension present under <paramref name="parent"/>.</summary>
    private static IEnumerable<(string, string)> ExtensionRules(string parent, string url)
    {
        if (!ProfilesFolder.Canonicals.TryGetValue(url, out var extension))
        {
            yield break;
        }
        var elements = extension.GetProperty("differential").GetProperty("element").EnumerateArray().ToList();
        // A complex extension: each sub-extension's value type.
        foreach (var sub in elements.Where(e => e.GetProperty("id").GetString()!.StartsWith("Extension.extension:", StringComparison.Ordinal)
            && e.GetProperty("id").GetString()!.EndsWith(".value[x]", StringComparison.Ordinal)))
        {
            var slice = sub.GetProperty("id").GetString()!.Split('.')[1].Split(':')[1];
            var subType = sub.GetProperty("type")[0].GetProperty("code").GetString()!;
            yield return ($"{url} {slice} type", Scoped(parent, $"extension('{url}').extension('{slice}').all(value.exists() and value is {subType})"));
        }
        var value = elements.FirstOrDefault(e => e.GetProperty("id").GetString() == "Extension.value[x]");
        if (value.ValueKind != JsonValueKind.Object || !value.TryGetProperty("type", out var types))
        {
            yield break;
        }
        var type = types[0].GetProperty("code").GetString()!;
        yield return ($"{url} value type", Scoped(parent, $"extension('{url}').all(value.exists() and value is {type})"));
        if (value.TryGetProperty("binding", out var binding) && AllowedCodes(binding.GetProperty("valueSet").GetString()!) is { } allowed)
        {
            yield return ($"{url} binding", Scoped(parent, $"extension('{url}').value.ofType(CodeableConcept).all({InCodes(allowed)})"));
        }
    }

    private static string Scoped(string parent, string condition) => parent.Length == 0 ? condition : $"{parent}.all({condition})";

    private static string ValueOf(string path, JsonElement element) =>
        element.GetProperty("id").GetString()!.EndsWith("[x]", StringComparison.Ordinal) ? $"{path}.ofType(CodeableConcept)" : path;

    private static string HasCoding(JsonElement pattern)
    {
        var coding = pattern.GetProperty("coding")[0];
        return $"coding.where(system = '{coding.GetProperty("system").GetString()}' and code = '{coding.GetProperty("code").GetString()}').exists()";
    }

    private static string InCodes(IReadOnlyList<(string System, string Code)> allowed) =>
        "coding.where(" + string.Join(" or ", allowed.Select(a => $"(system = '{a.System}' and code = '{a.Code}')")) + ").exists()";

    /// <summary>The codes of one of the trial's value sets (concept lists, or whole trial code systems); null for others.</summary>
    private static List<(string System, string Code)>? AllowedCodes(string valueSetUrl)
    {
        if (!ProfilesFolder.Canonicals.TryGetValue(valueSetUrl, out var vs))
        {
            return null;
        }
        var codes = new List<(string, string)>();
        foreach (var include in vs.GetProperty("compose").GetProperty("include").EnumerateArray())
        {
            var system = include.GetProperty("system").GetString()!;
            var concepts = include.TryGetProperty("concept", out var listed) ? listed
                : ProfilesFolder.Canonicals.TryGetValue(system, out var cs) ? cs.GetProperty("concept") : default;
            if (concepts.ValueKind != JsonValueKind.Array)
            {
                return null;
            }
            codes.AddRange(concepts.EnumerateArray().Select(c => (system, c.GetProperty("code").GetString()!)));
        }
        return codes;
    }
}
