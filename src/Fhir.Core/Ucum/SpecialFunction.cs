namespace Fhir.Core.Ucum;

/// <summary>
/// The conversion function of a UCUM special unit, by its name in <c>ucum-essence.xml</c>.
/// <see cref="TryToRatio"/> maps a value x of the special unit onto a multiple y of the function's unit
/// (e.g. <c>Cel</c>: y K = (x + 273.15) K; <c>[pH]</c>: y mol/l = 10^-x mol/l); <see cref="TryFromRatio"/> is its inverse.
/// The offset scales (Celsius, Fahrenheit, Réaumur) and the square root are exact; logarithmic and
/// trigonometric functions are computed in double precision.
/// </summary>
internal abstract class SpecialFunction
{
    private SpecialFunction(string name) => Name = name;

    public string Name { get; }

    /// <summary>Whether the function is exact over <see cref="Rational"/> (no double rounding).</summary>
    public abstract bool IsExact { get; }

    public abstract bool TryToRatio(Rational x, out Rational y);

    public abstract bool TryFromRatio(Rational y, out Rational x);

    /// <summary>The function of that name, or null when UCUM defines none that this library knows.</summary>
    public static SpecialFunction? Find(string name) => name switch
    {
        "Cel" => new Offset(name, "273.15"),
        "degF" => new Offset(name, "459.67"),     // (x + 459.67) × 5/9 K
        "degRe" => new Offset(name, "218.52"),    // (x + 218.52) × 5/4 K = x × 5/4 + 273.15 K
        "sqrt" => new Square(name),
        "pH" => new Floating(name, x => Math.Pow(10, -x), y => y > 0 ? -Math.Log10(y) : double.NaN),
        "hpX" => new Floating(name, x => Math.Pow(10, -x), y => y > 0 ? -Math.Log10(y) : double.NaN),
        "hpC" => new Floating(name, x => Math.Pow(100, -x), y => y > 0 ? -Math.Log(y) / Math.Log(100) : double.NaN),
        "hpM" => new Floating(name, x => Math.Pow(1000, -x), y => y > 0 ? -Math.Log(y) / Math.Log(1000) : double.NaN),
        "hpQ" => new Floating(name, x => Math.Pow(50000, -x), y => y > 0 ? -Math.Log(y) / Math.Log(50000) : double.NaN),
        "ln" => new Floating(name, Math.Exp, y => y > 0 ? Math.Log(y) : double.NaN),
        "lg" => new Floating(name, x => Math.Pow(10, x), y => y > 0 ? Math.Log10(y) : double.NaN),
        "lgTimes2" => new Floating(name, x => Math.Pow(10, x / 2), y => y > 0 ? 2 * Math.Log10(y) : double.NaN),
        "ld" => new Floating(name, x => Math.Pow(2, x), y => y > 0 ? Math.Log2(y) : double.NaN),
        // prism diopter and percent of slope: 100 × tan(angle); the function's unit is the degree
        "tanTimes100" or "100tan" => new Floating(
            name,
            x => Math.Atan(x / 100) * 180 / Math.PI,
            y => Math.Abs(y) < 90 ? 100 * Math.Tan(y * Math.PI / 180) : double.NaN),
        _ => null,
    };

    private sealed class Offset(string name, string offset) : SpecialFunction(name)
    {
        private readonly Rational _offset = Rational.Parse(offset);

        public override bool IsExact => true;

        public override bool TryToRatio(Rational x, out Rational y)
        {
            y = x + _offset;
            return true;
        }

        public override bool TryFromRatio(Rational y, out Rational x)
        {
            x = y - _offset;
            return true;
        }
    }

    private sealed class Square(string name) : SpecialFunction(name)
    {
        public override bool IsExact => false; // the inverse is a square root

        public override bool TryToRatio(Rational x, out Rational y)
        {
            y = x * x;
            return x.Sign >= 0;
        }

        public override bool TryFromRatio(Rational y, out Rational x)
        {
            x = Rational.Zero;
            return y.Sign >= 0 && Rational.TryFromDouble(Math.Sqrt(y.ToDouble()), out x);
        }
    }

    private sealed class Floating(string name, Func<double, double> to, Func<double, double> from) : SpecialFunction(name)
    {
        public override bool IsExact => false;

        public override bool TryToRatio(Rational x, out Rational y) => Rational.TryFromDouble(to(x.ToDouble()), out y);

        public override bool TryFromRatio(Rational y, out Rational x) => Rational.TryFromDouble(from(y.ToDouble()), out x);
    }
}
