namespace Fhir.Core.Ucum;

/// <summary>
/// A unit symbol of the UCUM table (a base unit or a defined unit) together with its resolved meaning:
/// <see cref="Factor"/> × <see cref="Dimension"/> in base units. For a special unit (<c>Cel</c>, <c>[pH]</c>)
/// the factor and dimension are those of the function's unit (e.g. <c>5 K/9</c> for <c>[degF]</c>), and
/// <see cref="Special"/> maps values of the special unit onto multiples of it.
/// </summary>
internal sealed class UcumAtom
{
    public required string Code { get; init; }

    public required string Name { get; init; }

    public bool IsBase { get; init; }

    public bool IsMetric { get; init; }

    public bool IsArbitrary { get; init; }

    /// <summary>The UCUM class (<c>si</c>, <c>clinical</c>, <c>us-lengths</c>…); null for base units.</summary>
    public string? Class { get; init; }

    /// <summary>The kind of quantity (<c>length</c>, <c>temperature</c>…).</summary>
    public string? Property { get; init; }

    /// <summary>The defining value as written in the table (e.g. <c>6.0221367</c>); <c>1</c> for base units.</summary>
    public required string ValueText { get; init; }

    /// <summary>The defining unit expression (e.g. <c>10*23</c>); for special units the function's unit.</summary>
    public string? UnitText { get; init; }

    /// <summary>The special function's name in the table (<c>Cel</c>, <c>degF</c>, <c>pH</c>…), or null.</summary>
    public string? FunctionName { get; init; }

    public SpecialFunction? Special { get; set; }

    public Rational Factor { get; set; } = Rational.One;

    public Dimension Dimension { get; set; } = Dimension.None;

    internal bool Resolved { get; set; }

    internal bool Resolving { get; set; }

    public override string ToString() => Code;
}

/// <summary>A UCUM prefix (<c>k</c> = 10^3, <c>Ki</c> = 1024).</summary>
internal sealed record UcumPrefix(string Code, string Name, Rational Factor);
