using System.Globalization;
using System.Text.RegularExpressions;
using Fhir.Core.Ucum;
using Fhir.Path.Evaluation;
using Fhir.Path.Types;

namespace Fhir.Path.Functions;

/// <summary>Conversion functions: iif, toX and convertsToX for every system type.</summary>
internal static partial class ConversionFunctions
{
    public static IEnumerable<FunctionDef> All()
    {
        yield return new("iif", 2, 3, Iif);
        foreach (var (name, convert) in new (string, Func<object, CallSite, object?>)[]
        {
            ("Boolean", (v, _) => ToBoolean(v)),
            ("Integer", (v, _) => ToInteger(v)),
            ("Long", (v, _) => ToLong(v)),
            ("Decimal", (v, _) => ToDecimal(v)),
            ("String", (v, _) => ToText(v)),
            ("Date", (v, _) => ToDate(v)),
            ("DateTime", (v, _) => ToDateTime(v)),
            ("Time", (v, _) => ToTime(v)),
        })
        {
            yield return new("to" + name, 0, 0, (_, _, input, site) => Args.SingleInput(input, site) is { } v && convert(v, site) is { } r ? Items.Single(r) : Items.Empty);
            yield return new("convertsTo" + name, 0, 0, (_, _, input, site) =>
                Args.SingleInput(input, site) is { } v ? Items.Of(convert(v, site) is not null) : Items.Empty);
        }
        yield return new("toQuantity", 0, 1, (frame, focus, input, site) =>
            Args.SingleInput(input, site) is { } v && ToQuantity(v, UnitArgument(frame, focus, site)) is { } q ? Items.Single(q) : Items.Empty);
        yield return new("convertsToQuantity", 0, 1, (frame, focus, input, site) =>
            Args.SingleInput(input, site) is { } v ? Items.Of(ToQuantity(v, UnitArgument(frame, focus, site)) is not null) : Items.Empty);
    }

    private static string? UnitArgument(Frame frame, IReadOnlyList<object> focus, CallSite site) =>
        site.Args.Length > 0 ? Args.String(frame, focus, site, 0) : null;

    /// <summary>
    /// <c>iif(criterion, true-result [, otherwise-result])</c>: only the chosen branch is evaluated; the input (at
    /// most one item) is the focus of all three arguments.
    /// </summary>
    private static IReadOnlyList<object> Iif(Frame frame, IReadOnlyList<object> focus, IReadOnlyList<object> input, CallSite site)
    {
        if (input.Count > 1)
        {
            throw site.Fail($"the input must be empty or a single item, not {input.Count} items");
        }
        var criterion = Args.Truth(site.Args[0](frame, input), site.Fail);
        if (criterion == true)
        {
            return site.Args[1](frame, input);
        }
        return site.Args.Length > 2 ? site.Args[2](frame, input) : Items.Empty;
    }

    public static object? ToBoolean(object value) => value switch
    {
        bool b => Items.Box(b),
        int i => i switch { 1 => Items.BoxedTrue, 0 => Items.BoxedFalse, _ => null },
        long l => l switch { 1 => Items.BoxedTrue, 0 => Items.BoxedFalse, _ => null },
        decimal d => d == 1m ? Items.BoxedTrue : d == 0m ? Items.BoxedFalse : null,
        string s => s.ToLowerInvariant() switch
        {
            "true" or "t" or "yes" or "y" or "1" or "1.0" => Items.BoxedTrue,
            "false" or "f" or "no" or "n" or "0" or "0.0" => Items.BoxedFalse,
            _ => null,
        },
        _ => null,
    };

    public static object? ToInteger(object value) => value switch
    {
        int => value,
        long l => l is >= int.MinValue and <= int.MaxValue ? Items.Box((int)l) : null,
        bool b => Items.Box(b ? 1 : 0),
        string s when IntegerText().IsMatch(s) && int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i) => Items.Box(i),
        _ => null,
    };

    public static object? ToLong(object value) => value switch
    {
        long => value,
        int i => (long)i,
        bool b => b ? 1L : 0L,
        string s when IntegerText().IsMatch(s) && long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
        _ => null,
    };

    public static object? ToDecimal(object value) => value switch
    {
        decimal => value,
        int i => (decimal)i,
        long l => (decimal)l,
        bool b => b ? 1.0m : 0.0m,
        string s when DecimalText().IsMatch(s) && decimal.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var d) => d,
        _ => null,
    };

    public static string? ToText(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        decimal d => Values.Format(d),
        FhirPathDate or FhirPathDateTime or FhirPathTime or FhirPathQuantity => value.ToString(),
        _ => null,
    };

    public static object? ToDate(object value) => value switch
    {
        FhirPathDate => value,
        FhirPathDateTime dt => dt.ToDate(),
        string s when FhirPathDate.TryParse(s, out var date) => date,
        string s when FhirPathDateTime.TryParse(s, out var dt) => dt!.ToDate(),
        _ => null,
    };

    public static object? ToDateTime(object value) => value switch
    {
        FhirPathDateTime => value,
        FhirPathDate d => d.ToDateTime(),
        string s when !s.EndsWith('T') && FhirPathDateTime.TryParse(s, out var dt) => dt,
        _ => null,
    };

    public static object? ToTime(object value) => value switch
    {
        FhirPathTime => value,
        string s when FhirPathTime.TryParse(s.StartsWith('T') ? s[1..] : s, out var t) => t,
        _ => null,
    };

    /// <summary>Converts to a quantity, optionally in <paramref name="unit"/>; null when it does not convert.</summary>
    public static FhirPathQuantity? ToQuantity(object value, string? unit)
    {
        FhirPathQuantity? q = value switch
        {
            FhirPathQuantity quantity => quantity,
            int i => new FhirPathQuantity(i),
            decimal d => new FhirPathQuantity(d),
            bool b => new FhirPathQuantity(b ? 1.0m : 0.0m),
            string s => ParseQuantity(s),
            _ => null,
        };
        if (q is null || unit is null || q.Unit == unit)
        {
            return q;
        }
        if (QuantityMath.TryAlign(new FhirPathQuantity(1, unit), q, out var one, out var converted, out var common) && one != 0)
        {
            // converted is q expressed in 'common'; one is 1 'unit' in 'common'.
            return new FhirPathQuantity(converted / one, unit);
        }
        return Ucum.TryConvert(q.Value, q.Unit, unit, out var v) ? new FhirPathQuantity(v, unit) : null;
    }

    /// <summary>Parses <c>4.5 'mg'</c>, <c>3 days</c> or a bare number.</summary>
    public static FhirPathQuantity? ParseQuantity(string text)
    {
        var match = QuantityText().Match(text);
        if (!match.Success || !decimal.TryParse(match.Groups["value"].Value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }
        if (match.Groups["ucum"].Success)
        {
            return new FhirPathQuantity(value, match.Groups["ucum"].Value);
        }
        if (match.Groups["word"].Success)
        {
            return FhirPathQuantity.IsCalendarUnit(match.Groups["word"].Value) ? new FhirPathQuantity(value, match.Groups["word"].Value) : null;
        }
        return new FhirPathQuantity(value);
    }

    [GeneratedRegex(@"^[+-]?\d+$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerText();

    [GeneratedRegex(@"^[+-]?\d+(\.\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DecimalText();

    [GeneratedRegex(@"^(?<value>[+-]?\d+(\.\d+)?)\s*('(?<ucum>[^']+)'|(?<word>[a-zA-Z]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex QuantityText();
}
