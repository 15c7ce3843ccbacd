using System.Collections;
using Fhir.Core.Model;

namespace Fhir.Path.Evaluation;

/// <summary>The environment variables: defined in the expression, given in the context, or built in.</summary>
internal static class EnvironmentVariables
{
    private static readonly object[] Ucum = ["http://unitsofmeasure.org"];
    private static readonly object[] Snomed = ["http://snomed.info/sct"];
    private static readonly object[] Loinc = ["http://loinc.org"];

    public static bool IsBuiltIn(string name) =>
        name is "resource" or "rootResource" or "context" or "ucum" or "sct" or "loinc"
        || name.StartsWith("vs-", StringComparison.Ordinal) || name.StartsWith("ext-", StringComparison.Ordinal);

    public static IReadOnlyList<object> Resolve(Frame frame, string name, int position)
    {
        if (frame.TryGetDefined(name, out var defined))
        {
            return defined;
        }
        if (frame.Context.Variables is { } variables && variables.TryGetValue(name, out var value))
        {
            return ToCollection(value);
        }
        switch (name)
        {
            case "resource":
                return frame.Resource is null ? Items.Empty : Items.Single(frame.Resource);
            case "rootResource":
                return frame.RootResource is null ? Items.Empty : Items.Single(frame.RootResource);
            case "context":
                return frame.Input;
            case "ucum":
                return Ucum;
            case "sct":
                return Snomed;
            case "loinc":
                return Loinc;
        }
        if (name.StartsWith("vs-", StringComparison.Ordinal))
        {
            return Items.Single("http://hl7.org/fhir/ValueSet/" + name[3..]);
        }
        if (name.StartsWith("ext-", StringComparison.Ordinal))
        {
            return Items.Single("http://hl7.org/fhir/StructureDefinition/" + name[4..]);
        }
        throw new FhirPathException(FhirPathErrorKind.Execution, $"unknown environment variable '%{name}'", null, position);
    }

    /// <summary>A variable's value as a collection: null is empty, a sequence is its items, anything else one item.</summary>
    public static IReadOnlyList<object> ToCollection(object? value)
    {
        switch (value)
        {
            case null:
                return Items.Empty;
            case IReadOnlyList<object> list:
                return list;
            case string or ElementNode:
                return Items.Single(value);
            case IEnumerable sequence:
            {
                var items = new List<object>();
                foreach (var item in sequence)
                {
                    if (item is not null)
                    {
                        items.Add(item);
                    }
                }
                return items;
            }
            default:
                return Items.Single(value);
        }
    }
}
