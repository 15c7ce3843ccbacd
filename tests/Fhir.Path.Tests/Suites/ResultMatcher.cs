using System.Globalization;
using Fhir.Core.Definitions;
using Fhir.Core.Model;
using Fhir.Path.Types;

namespace Fhir.Path.Tests.Suites;

/// <summary>Compares an evaluation result item with an expected output of the official suite, by type and value.</summary>
internal static class ResultMatcher
{
    private static readonly string[] StringTypes = ["string", "code", "id", "uri", "url", "canonical", "markdown", "oid", "uuid", "base64Binary", "xhtml"];

    public static bool Matches(object actual, ExpectedOutput expected, out string why)
    {
        var value = SystemValue(actual);
        var text = expected.Text;
        why = $"expected {expected.Type ?? "untyped"} '{text}', got {Describe(actual)}";
        if (expected.Type is null)
        {
            return MatchesUntyped(value, text);
        }
        if (!TypeMatches(actual, value, expected.Type))
        {
            return false;
        }
        return expected.Type switch
        {
            "boolean" => value is bool b && b.ToString().Equals(text, StringComparison.OrdinalIgnoreCase),
            "integer" => value is int or long && Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) == text,
            "decimal" => value is decimal d && decimal.Parse(text, CultureInfo.InvariantCulture) == d,
            "date" or "dateTime" or "instant" => value is not null && Text(value) == text.TrimStart('@'),
            "time" => value is not null && Text(value) == text.TrimStart('@').TrimStart('T'),
            "Quantity" => value is FhirPathQuantity q && SameQuantity(q, text),
            _ => value is string s && s == text,
        };
    }

    private static bool TypeMatches(object actual, object? value, string type)
    {
        if (actual is ElementNode node)
        {
            if (node.Type.Kind == TypeKind.System)
            {
                // Element.id, Extension.url and Resource.id are System.String in R4's definitions.
                return node.Type.Name == "System.String" && StringTypes.Contains(type);
            }
            return node.Type.Name == type;
        }
        return type switch
        {
            "boolean" => value is bool,
            "integer" => value is int or long,
            "decimal" => value is decimal,
            "string" => value is string,
            "date" => value is FhirPathDate,
            "dateTime" => value is FhirPathDateTime,
            "time" => value is FhirPathTime,
            "Quantity" => value is FhirPathQuantity,
            _ => false,
        };
    }

    private static bool MatchesUntyped(object? value, string text)
    {
        switch (value)
        {
            case bool b:
                return b.ToString().Equals(text, StringComparison.OrdinalIgnoreCase);
            case int or long:
                return Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) == text;
            case decimal d:
                return decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var e) && e == d && e.Scale == d.Scale;
            case FhirPathQuantity q:
                return SameQuantity(q, text);
            case FhirPathDate or FhirPathDateTime or FhirPathTime:
                // "@2014-01-01" may stand for a date or a date/time known to the day.
                return Text(value).TrimEnd('T') == text.TrimStart('@').TrimStart('T').TrimEnd('T');
            case string s:
                return s == text;
            default:
                return false;
        }
    }

    private static bool SameQuantity(FhirPathQuantity q, string text)
    {
        var space = text.IndexOf(' ');
        if (space < 0 || !decimal.TryParse(text[..space], NumberStyles.Float, CultureInfo.InvariantCulture, out var v))
        {
            return false;
        }
        var unit = text[(space + 1)..].Trim('\'');
        return v == q.Value && v.Scale == q.Value.Scale && unit == q.Unit;
    }

    private static object? SystemValue(object actual)
    {
        if (actual is not ElementNode node)
        {
            return actual;
        }
        return node.Value switch
        {
            null => null,
            string s when node.Type.Name is "date" => FhirPathDate.TryParse(s, out var d) ? d : s,
            string s when node.Type.Name is "dateTime" or "instant" => FhirPathDateTime.TryParse(s, out var dt) ? dt : s,
            string s when node.Type.Name is "time" => FhirPathTime.TryParse(s, out var t) ? t : s,
            var v => v,
        };
    }

    private static string Text(object value) => value switch
    {
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    public static string Describe(object item) => item switch
    {
        ElementNode node => $"{node.Type.Name} '{node.Value}'",
        string s => $"System.String '{s}'",
        decimal d => $"System.Decimal {d.ToString(CultureInfo.InvariantCulture)}",
        _ => $"{item.GetType().Name} {item}",
    };
}
