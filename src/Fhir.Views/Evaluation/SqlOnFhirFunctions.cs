using System.Text;
using Fhir.Core.Model;
using Fhir.Path;

namespace Fhir.Views.Evaluation;

/// <summary>
/// What SQL on FHIR adds to FHIRPath, or defines its own way: <c>getResourceKey()</c>, <c>getReferenceKey([type])</c>, and
/// <c>join([separator])</c>, which gives <c>''</c> for an empty input where FHIRPath gives nothing.
/// </summary>
internal static class SqlOnFhirFunctions
{
    /// <summary>One list for every view, so that compiled paths are shared (options compare it by reference).</summary>
    public static IReadOnlyList<FhirPathFunction> All { get; } =
    [
        ResourceKeys.GetResourceKey,
        ResourceKeys.GetReferenceKey,
        new FhirPathFunction("join", 0, 1, Join),
    ];

    private static IReadOnlyList<object> Join(IReadOnlyList<object> input, IReadOnlyList<IReadOnlyList<object>> arguments, EvaluationContext context)
    {
        var separator = arguments.Count > 0 && arguments[0].Count > 0 ? Text(arguments[0][0]) : "";
        var sb = new StringBuilder();
        for (var i = 0; i < input.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(separator);
            }
            sb.Append(Text(input[i]));
        }
        return [sb.ToString()];
    }

    private static string Text(object item) => (item is ElementNode node ? node.Value : item) switch
    {
        string s => s,
        var other => throw new FhirPathException(FhirPathErrorKind.Execution, $"join(): the input must contain only strings, not {other ?? "an empty primitive"}"),
    };
}
