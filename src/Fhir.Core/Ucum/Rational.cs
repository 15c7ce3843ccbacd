using System.Globalization;
using System.Numerics;

namespace Fhir.Core.Ucum;

/// <summary>
/// An exact fraction of two <see cref="BigInteger"/>s, always reduced, denominator positive.
/// UCUM factors (prefixes up to 10^±24, the Avogadro and Planck constants, 1200/3937 for the US survey foot,
/// 5/9 for Fahrenheit) are combined exactly and only the final result is rounded to a <see cref="decimal"/>.
/// </summary>
internal readonly struct Rational : IEquatable<Rational>
{
    private static readonly BigInteger DecimalLimit = BigInteger.Pow(2, 96); // mantissa of System.Decimal

    // default(Rational) has a zero denominator field: it reads as 0/1.
    private readonly BigInteger _denominator;

    public Rational(BigInteger numerator, BigInteger denominator)
    {
        if (denominator.IsZero)
        {
            throw new DivideByZeroException("A rational number cannot have a zero denominator.");
        }

        if (denominator.Sign < 0)
        {
            numerator = -numerator;
            denominator = -denominator;
        }

        var gcd = BigInteger.GreatestCommonDivisor(numerator, denominator);
        if (!gcd.IsOne && !gcd.IsZero)
        {
            numerator /= gcd;
            denominator /= gcd;
        }

        Numerator = numerator;
        _denominator = numerator.IsZero ? BigInteger.One : denominator;
    }

    public BigInteger Numerator { get; }

    public BigInteger Denominator => _denominator.IsZero ? BigInteger.One : _denominator;

    public static Rational Zero => new(BigInteger.Zero, BigInteger.One);

    public static Rational One => new(BigInteger.One, BigInteger.One);

    public int Sign => Numerator.Sign;

    public bool IsZero => Numerator.IsZero;

    /// <summary>Bits held by numerator and denominator together; used to refuse absurdly large terms.</summary>
    public long BitLength => Numerator.GetBitLength() + Denominator.GetBitLength();

    public static Rational FromInteger(BigInteger value) => new(value, BigInteger.One);

    public static Rational FromDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = new BigInteger((uint)bits[0]) | (new BigInteger((uint)bits[1]) << 32) | (new BigInteger((uint)bits[2]) << 64);
        var scale = (bits[3] >> 16) & 0xFF;
        if (bits[3] < 0)
        {
            mantissa = -mantissa;
        }

        return new Rational(mantissa, BigInteger.Pow(10, scale));
    }

    /// <summary>Parses decimal text such as <c>1e-24</c>, <c>6.0221367</c> or <c>-3.5E+2</c> exactly.</summary>
    public static bool TryParse(string text, out Rational value)
    {
        value = Zero;
        var s = text.AsSpan().Trim();
        if (s.IsEmpty)
        {
            return false;
        }

        var exponent = 0;
        var e = s.IndexOfAny('e', 'E');
        if (e >= 0)
        {
            if (!int.TryParse(s[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out exponent) || Math.Abs(exponent) > 10_000)
            {
                return false;
            }

            s = s[..e];
        }

        var negative = false;
        if (s.Length > 0 && (s[0] == '-' || s[0] == '+'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        var dot = s.IndexOf('.');
        var intPart = dot >= 0 ? s[..dot] : s;
        var fracPart = dot >= 0 ? s[(dot + 1)..] : [];
        if (intPart.IsEmpty && fracPart.IsEmpty)
        {
            return false;
        }

        foreach (var c in intPart)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        foreach (var c in fracPart)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        var digits = string.Concat(intPart, fracPart);
        var mantissa = BigInteger.Parse(digits.Length == 0 ? "0" : digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (negative)
        {
            mantissa = -mantissa;
        }

        exponent -= fracPart.Length;
        value = exponent >= 0
            ? new Rational(mantissa * BigInteger.Pow(10, exponent), BigInteger.One)
            : new Rational(mantissa, BigInteger.Pow(10, -exponent));
        return true;
    }

    public static Rational Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a decimal number.");

    /// <summary>The shortest round-trip text of a double, read back exactly (so 0.1 stays 1/10).</summary>
    public static bool TryFromDouble(double value, out Rational result)
    {
        result = Zero;
        return double.IsFinite(value) && TryParse(value.ToString("R", CultureInfo.InvariantCulture), out result);
    }

    public static Rational operator *(Rational a, Rational b) => new(a.Numerator * b.Numerator, a.Denominator * b.Denominator);

    public static Rational operator /(Rational a, Rational b) => new(a.Numerator * b.Denominator, a.Denominator * b.Numerator);

    public static Rational operator +(Rational a, Rational b) =>
        new((a.Numerator * b.Denominator) + (b.Numerator * a.Denominator), a.Denominator * b.Denominator);

    public static Rational operator -(Rational a, Rational b) =>
        new((a.Numerator * b.Denominator) - (b.Numerator * a.Denominator), a.Denominator * b.Denominator);

    public static Rational operator -(Rational a) => new(-a.Numerator, a.Denominator);

    public static bool operator ==(Rational a, Rational b) => a.Equals(b);

    public static bool operator !=(Rational a, Rational b) => !a.Equals(b);

    public Rational Pow(int exponent)
    {
        if (exponent == 0)
        {
            return One;
        }

        var n = BigInteger.Pow(Numerator, Math.Abs(exponent));
        var d = BigInteger.Pow(Denominator, Math.Abs(exponent));
        return exponent > 0 ? new Rational(n, d) : new Rational(d, n);
    }

    public double ToDouble()
    {
        if (TryToDecimal(out var d))
        {
            return (double)d;
        }

        // Outside decimal's range: scale both parts down to what a double holds.
        var shift = (int)Math.Max(0, Math.Max(Numerator.GetBitLength(), Denominator.GetBitLength()) - 1000);
        return (double)(Numerator >> shift) / (double)(Denominator >> shift);
    }

    /// <summary>
    /// Rounds to the nearest <see cref="decimal"/> (half to even) with as many fractional digits as fit,
    /// then drops trailing zeros, so exact values come out in their shortest form (0.0054, 10).
    /// False when the value is too large for a decimal, or non-zero but too small to show any digit.
    /// </summary>
    public bool TryToDecimal(out decimal value)
    {
        value = 0m;
        if (IsZero)
        {
            return true;
        }

        // Every quantity the index writes comes through here (canonical UCUM values), so it avoids BigInteger's
        // allocating operations where it can: a profile of a reindex had a sixth of the server's CPU in them, most in
        // removing trailing zeros one BigInteger division at a time.
        var negative = Numerator.Sign < 0;
        var n = BigInteger.Abs(Numerator);
        var d = Denominator;
        var whole = BigInteger.DivRem(n, d, out var fraction);
        if (whole >= DecimalLimit)
        {
            return false;
        }
        if (fraction.IsZero)
        {
            value = negative ? -(decimal)whole : (decimal)whole;
            return true;
        }

        // The largest scale whose quotient fits the mantissa; a whole part of k digits leaves at most 29 - k. Starting
        // one above that estimate (Log10 may be off by one) skips only scales that cannot fit.
        var digits = whole.IsZero ? 0 : (int)Math.Floor(BigInteger.Log10(whole)) + 1;
        var scale = Math.Min(28, 30 - digits);
        BigInteger q = BigInteger.Zero;
        for (; scale >= 0; scale--)
        {
            q = BigInteger.DivRem(n * Pow10[scale], d, out var remainder);
            var twice = remainder * 2;
            if (twice > d || (twice == d && !q.IsEven))
            {
                q += 1;
            }

            if (q < DecimalLimit)
            {
                break;
            }
        }

        if (scale < 0 || q.IsZero)
        {
            return false; // rounds up to 2^96 even without decimals, or too small to show a digit
        }

        var mantissa = (UInt128)q;
        while (scale > 0 && mantissa % 10 == 0)
        {
            mantissa /= 10;
            scale--;
        }

        value = new decimal((int)(uint)mantissa, (int)(uint)(mantissa >> 32), (int)(uint)(mantissa >> 64), negative, (byte)scale);
        return true;
    }

    private static readonly BigInteger[] Pow10 = [.. Enumerable.Range(0, 29).Select(i => BigInteger.Pow(10, i))];

    public bool Equals(Rational other) => Numerator == other.Numerator && Denominator == other.Denominator;

    public override bool Equals(object? obj) => obj is Rational other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Numerator, Denominator);

    public override string ToString() =>
        Denominator.IsOne ? Numerator.ToString(CultureInfo.InvariantCulture) : $"{Numerator}/{Denominator}";
}
