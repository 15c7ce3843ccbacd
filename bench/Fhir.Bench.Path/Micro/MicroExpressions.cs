namespace Fhir.Bench.Path.Micro;

/// <summary>The expressions of the micro benchmarks, by scenario (also the compile benchmark's parameter).</summary>
internal static class MicroExpressions
{
    public const string Navigation = "Patient.name.given";

    public const string Where = "Patient.telecom.where(system = 'phone' and use = 'mobile').value";

    public const string Aggregate = "Bundle.entry.resource.ofType(Observation).value.ofType(Quantity).value.aggregate($this + $total, 0)";

    /// <summary>Date comparisons: same precision, a coarser literal (interval semantics), date arithmetic (no clock, so the answer stays true).</summary>
    public static readonly IReadOnlyDictionary<string, string> Dates = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["same-precision"] = "Observation.effective.ofType(dateTime) >= @2021-03-04T10:00:00+01:00",
        ["coarser-literal"] = "Observation.effective.ofType(dateTime) < @2022-01",
        ["plus-one-year"] = "Observation.effective.ofType(dateTime) + 1 year > Observation.issued",
    };

    /// <summary>The value is 185 [lb_av]; the literal is the same unit (no conversion) or another one (UCUM conversion).</summary>
    public static readonly IReadOnlyDictionary<string, string> Quantities = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["[lb_av]"] = "Observation.value.ofType(Quantity) > 180 '[lb_av]'",
        ["kg"] = "Observation.value.ofType(Quantity) > 80 'kg'",
        ["[oz_av]"] = "Observation.value.ofType(Quantity) > 2900 '[oz_av]'",
    };

    /// <summary>R4's dom-3 invariant: a long expression with unions, descendants() and nested where().</summary>
    public const string Dom3 = "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | "
        + "%resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or "
        + "descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not())"
        + ".trace('unmatched', id).empty()";

    /// <summary>Every scenario's expression for the compile benchmark.</summary>
    public static readonly IReadOnlyDictionary<string, string> ForCompile = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["navigation"] = Navigation,
        ["where"] = Where,
        ["date"] = Dates["same-precision"],
        ["quantity"] = Quantities["kg"],
        ["aggregate"] = Aggregate,
        ["dom-3"] = Dom3,
    };
}
