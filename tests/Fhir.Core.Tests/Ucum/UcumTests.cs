using System.Globalization;
using Fhir.Core.Ucum;
using Units = Fhir.Core.Ucum.Ucum;

namespace Fhir.Core.Tests.Ucum;

public class UcumTests
{
    private static decimal D(string text) => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("m")]
    [InlineData("/m")]
    [InlineData("10*3/ul")]
    [InlineData("10*-3/ul")]
    [InlineData("10*+3/ul")]
    [InlineData("10^3/uL")]
    [InlineData("m[H2O]")]
    [InlineData("10*23")]
    [InlineData("rad2")]
    [InlineData("m3.kg-1.s-2")]
    [InlineData("4.[pi].10*-7.N/A2")]
    [InlineData("rad2{a}")]
    [InlineData("{a}.rad2{b}")]
    [InlineData("1{c}")]
    [InlineData("{e}")]
    [InlineData("%")]
    [InlineData("dB[10.nV]")]
    [InlineData("[cup_us]")]
    [InlineData("[in_i]")]
    [InlineData("[lb_av]")]
    [InlineData("mm[Hg]")]
    [InlineData("mg/dL")]
    [InlineData("umol/2.h")]
    [InlineData("mmol/(8.h.kg)")]
    [InlineData("dyn.s/(cm5.m2)")]
    [InlineData("[arb'U]")]
    [InlineData("/[arb'U]")]
    [InlineData("[IU]/L")]
    [InlineData("m[IU]/L")]
    [InlineData("u[IU]/mL")]
    [InlineData("[iU]/mL")]
    [InlineData("kg{body_wt}")]
    [InlineData("{cells}/uL")]
    [InlineData("{beats}/min")]
    [InlineData("g.m/{hb}")]
    [InlineData("mL/{hb}.m2")]
    [InlineData("10*3{rbc}")]
    [InlineData("10.L/(min.m2)")]
    [InlineData("Cel")]
    [InlineData("[degF]")]
    [InlineData("[pH]")]
    [InlineData("pH")] // picohenry
    [InlineData("Pa")]
    [InlineData("cd")] // candela, not centi-day
    [InlineData("dam")] // deka-meter
    [InlineData("KiBy")]
    [InlineData("%[slope]")]
    [InlineData("[m/s2/Hz^(1/2)]")]
    [InlineData("cal_[15]")]
    [InlineData("''")]
    [InlineData("Cel/h")] // valid UCUM, although not convertible
    [InlineData("((m))")]
    [InlineData("m+2")]
    [InlineData("s-1")]
    [InlineData("{ratio of two things}")]
    public void Accepts_valid_expressions(string unit)
    {
        Assert.True(Units.IsValid(unit, out var error), error);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("m/")]
    [InlineData("/")]
    [InlineData(".m")]
    [InlineData("m.")]
    [InlineData("m//s")]
    [InlineData("10+3/ul")]
    [InlineData("iU")]
    [InlineData("molv")]
    [InlineData("[BETH'U]")]
    [InlineData("[iIU]")]
    [InlineData("m[iIU]/L")]
    [InlineData("g/12h")]
    [InlineData("mL/10h")]
    [InlineData("mmol/kg[H20]")]
    [InlineData("cm[H20]")]
    [InlineData("ug(8.h)")]
    [InlineData("ug(8hr)")]
    [InlineData("rad2{錠}")]
    [InlineData("{a}rad2{b}")]
    [InlineData("{|}1")]
    [InlineData("M")] // not a UCUM unit (molar is mol/L)
    [InlineData("KG")] // codes are case-sensitive (kg)
    [InlineData("k[in_i]")] // prefix on a non-metric unit
    [InlineData("m[Hg")]
    [InlineData("mHg]")]
    [InlineData("m{abc")]
    [InlineData("m}")]
    [InlineData("(m")]
    [InlineData("m)")]
    [InlineData("()")]
    [InlineData("m-")]
    [InlineData("m2g")]
    [InlineData("m s")]
    [InlineData(" m")]
    [InlineData("m\t")]
    [InlineData("m²")]
    [InlineData("kg*m")]
    [InlineData("m^2")]
    [InlineData("{a}{b}")]
    [InlineData("m{a}{b}")]
    [InlineData("(m){a}")]
    public void Rejects_invalid_expressions(string unit)
    {
        Assert.False(Units.IsValid(unit, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Rejects_null_and_explains_errors()
    {
        Assert.False(Units.IsValid(null!));
        Assert.False(Units.IsValid("molv", out var unknown));
        Assert.Contains("molv", unknown, StringComparison.Ordinal);
        Assert.False(Units.IsValid("k[in_i]", out var prefix));
        Assert.Contains("metric", prefix, StringComparison.Ordinal);
        Assert.False(Units.IsValid("m/", out var trailing));
        Assert.Contains("not followed", trailing, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_deeply_nested_parentheses_without_overflowing_the_stack()
    {
        var deep = new string('(', 5000) + "m" + new string(')', 5000);
        Assert.False(Units.IsValid(deep));
        Assert.True(Units.IsValid(new string('(', 20) + "m" + new string(')', 20)));
    }

    [Theory]
    // prefixes
    [InlineData("1", "cm", "mm", "10")]
    [InlineData("10", "mm", "cm", "1")]
    [InlineData("1000", "ug", "mg", "1")]
    [InlineData("1", "mg", "ug", "1000")]
    [InlineData("1", "kg", "g", "1000")]
    [InlineData("2.5", "km", "m", "2500")]
    [InlineData("1", "dam", "m", "10")]
    [InlineData("1", "KiBy", "By", "1024")]
    [InlineData("1", "m2", "cm2", "10000")]
    [InlineData("1", "mm3", "uL", "1")]
    [InlineData("1", "dL", "mL", "100")]
    // time
    [InlineData("7", "d", "wk", "1")]
    [InlineData("1", "h", "min", "60")]
    [InlineData("1", "d", "s", "86400")]
    [InlineData("1", "a", "d", "365.25")]
    [InlineData("1", "mo", "d", "30.4375")]
    // derived units
    [InlineData("1", "N", "kg.m/s2", "1")]
    [InlineData("1", "N", "g.m.s-2", "1000")]
    [InlineData("1", "J", "N.m", "1")]
    [InlineData("1", "kJ", "J", "1000")]
    [InlineData("1", "cal", "J", "4.184")]
    [InlineData("1", "kcal", "kJ", "4.184")]
    [InlineData("1", "L", "dm3", "1")]
    [InlineData("1", "L", "m3", "0.001")]
    [InlineData("1", "l", "L", "1")]
    [InlineData("1", "W", "J/s", "1")]
    [InlineData("1", "Pa", "N/m2", "1")]
    [InlineData("1", "bar", "kPa", "100")]
    [InlineData("1", "Hz", "s-1", "1")]
    [InlineData("1", "mL/min", "L/h", "0.06")]
    // customary units
    [InlineData("1", "[in_i]", "cm", "2.54")]
    [InlineData("6.3", "[in_i]", "m", "0.16002")]
    [InlineData("1", "[ft_i]", "[in_i]", "12")]
    [InlineData("1", "[yd_i]", "m", "0.9144")]
    [InlineData("1", "[mi_i]", "km", "1.609344")]
    [InlineData("1", "[lb_av]", "g", "453.59237")]
    [InlineData("1", "[lb_av]", "[oz_av]", "16")]
    [InlineData("1", "[gal_us]", "[in_i]3", "231")]
    [InlineData("1", "[gal_us]", "L", "3.785411784")]
    // pressure
    [InlineData("1", "mm[Hg]", "Pa", "133.322")]
    [InlineData("1", "m[Hg]", "g.s-2.m-1", "133322000")]
    [InlineData("760", "mm[Hg]", "kPa", "101.32472")]
    [InlineData("1", "atm", "Pa", "101325")]
    // dimensionless
    [InlineData("50", "%", "1", "0.5")]
    [InlineData("1", "1", "%", "100")]
    [InlineData("5", "[ppth]", "%", "0.5")]
    [InlineData("1", "10*3", "1", "1000")]
    [InlineData("1", "10*-3", "1", "0.001")]
    [InlineData("1", "10^6", "10*3", "1000")]
    // concentrations
    [InlineData("1", "mg/dL", "g/L", "0.01")]
    [InlineData("1", "g/dL", "mg/mL", "10")]
    [InlineData("1", "mmol/L", "umol/mL", "1")]
    [InlineData("1", "10*3/uL", "10*9/L", "1")]
    [InlineData("1", "/uL", "/L", "1000000")]
    // annotations carry no meaning
    [InlineData("5", "{cells}/uL", "/mL", "5000")]
    [InlineData("1", "g{creat}", "mg", "1000")]
    [InlineData("1", "{ratio}", "1", "1")]
    // grouping and left associativity (UCUM functional tests 3-1xx)
    [InlineData("6.3", "s.mm-1", "s.m-1", "6300")]
    [InlineData("6.3", "s.mm-2", "s.m-2", "6300000")]
    [InlineData("6.3", "s/m/mg", "s.m-1.g-1", "6300")]
    [InlineData("6.3", "s/m.mg", "s.m-1.g", "0.0063")]
    [InlineData("6.3", "4.s/m", "s/m", "25.2")]
    [InlineData("6.3", "s/4/m", "s/m", "1.575")]
    [InlineData("6.3", "ms/mm", "s/m", "6.3")]
    [InlineData("6.3", "g.m.s-2.A-2", "g.m.C-2", "6.3")]
    [InlineData("1", "mmol/(8.h.kg)", "mmol/(h.kg)", "0.125")]
    [InlineData("1", "S", "g-1.m-2.C2.s", "0.001")]
    [InlineData("1", "[ly]", "cm", "946073047258080000")]
    [InlineData("1", "10*-7.s", "s", "0.0000001")]
    [InlineData("1.2", "g.m", "m.g", "1.2")]
    public void Converts_exactly(string value, string from, string to, string expected)
    {
        Assert.True(Units.TryConvert(D(value), from, to, out var result), $"{value} {from} -> {to}");
        Assert.Equal(D(expected), result);
    }

    [Fact]
    public void Keeps_the_precision_of_pi_in_the_magnetic_constant()
    {
        // UCUM functional tests 3-122..3-124 (pi to 29 digits)
        Assert.True(Units.TryConvert(1m, "4.[pi].10*-7.N", "N", out var n));
        Assert.Equal(0.0000012566370614359172953851m, n);
        Assert.True(Units.TryConvert(1m, "[mu_0]", "g.m.C-2", out var mu0));
        Assert.Equal(0.0012566370614359172953850574m, mu0);
    }

    [Fact]
    public void Converts_very_small_and_very_large_factors_exactly_when_the_result_fits()
    {
        Assert.True(Units.TryConvert(1m, "1/[ly]", "cm-1", out var inverseLightYear));
        Assert.Equal(0.000000000000000001057000834m, inverseLightYear); // 28 decimal places
        Assert.False(Units.TryConvert(1m, "Ym", "ym", out _)); // 10^48
        Assert.True(Units.TryConvert(1m, "Gm", "nm", out var big));
        Assert.Equal(1e18m, big);
        // the Planck constant is 6.6e-34 J.s, below decimal's range in J.s but fine once scaled
        Assert.True(Units.TryConvert(1m, "[h]", "J.ys", out var planck));
        Assert.Equal(0.00000000066260755m, planck);
        Assert.False(Units.TryCanonicalize(1m, "[h]", out _, out _));
    }

    [Theory]
    [InlineData("5.4", "mg", "0.0054", "g")]
    [InlineData("1", "mg/dL", "10", "g.m-3")]
    [InlineData("1", "g/L", "1000", "g.m-3")]
    [InlineData("1", "kg", "1000", "g")]
    [InlineData("1", "N", "1000", "g.m.s-2")]
    [InlineData("1", "J", "1000", "g.m2.s-2")]
    [InlineData("1", "L", "0.001", "m3")]
    [InlineData("1", "Hz", "1", "s-1")]
    [InlineData("1", "A", "1", "C.s-1")]
    [InlineData("1", "S", "0.001", "C2.g-1.m-2.s")]
    [InlineData("1", "lx", "1", "cd.m-2.rad2")]
    [InlineData("50", "%", "0.5", "1")]
    [InlineData("3", "{cells}", "3", "1")]
    [InlineData("2", "10*3/uL", "2000000000000", "m-3")]
    [InlineData("1", "wk", "604800", "s")]
    [InlineData("37", "Cel", "310.15", "K")]
    [InlineData("32", "[degF]", "273.15", "K")]
    [InlineData("0", "[degRe]", "273.15", "K")]
    [InlineData("80", "[degRe]", "373.15", "K")]
    [InlineData("1", "deg", "0.0174532925199432957692369077", "rad")]
    public void Canonicalizes_to_base_units(string value, string unit, string expectedValue, string expectedUnit)
    {
        Assert.True(Units.TryCanonicalize(D(value), unit, out var canonicalValue, out var canonicalUnit), unit);
        Assert.Equal(expectedUnit, canonicalUnit);
        Assert.Equal(D(expectedValue), canonicalValue);
    }

    [Fact]
    public void Mole_counts_are_dimensionless_multiples_of_avogadro()
    {
        Assert.True(Units.TryCanonicalize(1m, "mmol/L", out var value, out var unit));
        Assert.Equal("m-3", unit);
        Assert.Equal(602213670000000000000000m, value);
    }

    [Theory]
    [InlineData("mg/dL", "g/L")]
    [InlineData("mg", "[lb_av]")]
    [InlineData("{cells}/uL", "10*9/L")]
    [InlineData("Cel", "K")]
    [InlineData("[degF]", "Cel")]
    [InlineData("%", "1")]
    [InlineData("N", "kg.m/s2")]
    [InlineData("mm[Hg]", "kPa")]
    [InlineData("[IU]/L", "m[IU]/mL")]
    [InlineData("[pH]", "mol/L")]
    public void Equivalent_units_share_a_canonical_form(string a, string b)
    {
        Assert.True(Units.AreComparable(a, b));
        Assert.True(Units.AreComparable(b, a));
        if (Units.TryCanonicalize(1m, a, out _, out var ua))
        {
            Assert.True(Units.TryCanonicalize(1m, b, out _, out var ub));
            Assert.Equal(ua, ub);
        }
    }

    [Fact]
    public void Equivalent_expressions_give_the_same_canonical_unit_text()
    {
        Assert.True(Units.TryCanonicalize(1m, "m.g/s2", out var v1, out var u1));
        Assert.True(Units.TryCanonicalize(1m, "s-2.g.m", out var v2, out var u2));
        Assert.True(Units.TryCanonicalize(0.001m, "kg.m/(s.s)", out var v3, out var u3));
        Assert.Equal("g.m.s-2", u1);
        Assert.Equal(u1, u2);
        Assert.Equal(u1, u3);
        Assert.Equal(v1, v2);
        Assert.Equal(v1, v3);
    }

    [Fact]
    public void Mg_per_dL_and_g_per_L_differ_by_a_factor_of_one_hundredth()
    {
        Assert.True(Units.AreComparable("mg/dL", "g/L"));
        Assert.True(Units.TryConvert(1m, "mg/dL", "g/L", out var result));
        Assert.Equal(0.01m, result);
        Assert.True(Units.TryCanonicalize(100m, "mg/dL", out var a, out var ua));
        Assert.True(Units.TryCanonicalize(1m, "g/L", out var b, out var ub));
        Assert.Equal(ua, ub);
        Assert.Equal(a, b);
    }

    [Theory]
    [InlineData("37", "Cel", "K", "310.15")]
    [InlineData("310.15", "K", "Cel", "37")]
    [InlineData("0", "Cel", "[degF]", "32")]
    [InlineData("100", "Cel", "[degF]", "212")]
    [InlineData("98.6", "[degF]", "Cel", "37")]
    [InlineData("-40", "[degF]", "Cel", "-40")]
    [InlineData("32", "[degF]", "K", "273.15")]
    [InlineData("80", "[degRe]", "Cel", "100")]
    [InlineData("100", "Cel", "[degRe]", "80")]
    [InlineData("1000", "mCel", "Cel", "1")]
    [InlineData("37", "Cel", "mK", "310150")]
    [InlineData("0", "K", "Cel", "-273.15")]
    public void Converts_temperatures_through_their_functions(string value, string from, string to, string expected)
    {
        Assert.True(Units.TryConvert(D(value), from, to, out var result));
        Assert.Equal(D(expected), result);
    }

    [Fact]
    public void Converts_fahrenheit_that_does_not_divide_evenly_to_decimal_precision()
    {
        Assert.True(Units.TryConvert(100m, "[degF]", "Cel", out var result));
        Assert.Equal(37.777777777777777777777777778m, result);
    }

    [Fact]
    public void Converts_logarithmic_special_units_approximately()
    {
        Assert.True(Units.TryConvert(7m, "[pH]", "mol/L", out var molar));
        Assert.Equal(0.0000001m, molar);
        Assert.True(Units.TryConvert(0.001m, "mol/L", "[pH]", out var pH));
        Assert.Equal(3m, pH);
        Assert.True(Units.TryConvert(20m, "dB[V]", "V", out var volts));
        Assert.Equal(10m, volts);
        Assert.True(Units.TryConvert(10m, "[p'diop]", "deg", out var degrees));
        Assert.Equal(5.7105931374996425, (double)degrees, 10);
        Assert.True(Units.TryConvert(4m, "[m/s2/Hz^(1/2)]", "m2/s4/Hz", out var squared));
        Assert.Equal(16m, squared);
    }

    [Theory]
    [InlineData("g", "m")]
    [InlineData("mg/dL", "mmol/L")] // mol is a number, not a mass
    [InlineData("Cel", "m")]
    [InlineData("s", "Hz")]
    [InlineData("N", "J")]
    [InlineData("[IU]", "[arb'U]")]
    [InlineData("[IU]", "1")]
    [InlineData("[IU]/L", "g/L")]
    [InlineData("m", "molv")]
    [InlineData("Cel/h", "K/h")] // a special unit cannot be part of a product
    [InlineData("Cel2", "K2")]
    [InlineData("/Cel", "/K")]
    public void Refuses_incompatible_or_unconvertible_units(string from, string to)
    {
        Assert.False(Units.AreComparable(from, to));
        Assert.False(Units.TryConvert(1m, from, to, out var result));
        Assert.Equal(0m, result);
    }

    [Fact]
    public void Arbitrary_units_have_no_canonical_form_but_convert_between_prefixes_of_themselves()
    {
        Assert.True(Units.IsValid("[IU]/L"));
        Assert.False(Units.TryCanonicalize(1m, "[IU]", out _, out var unit));
        Assert.Equal("", unit);
        Assert.False(Units.TryCanonicalize(1m, "[arb'U]/mL", out _, out _));
        Assert.True(Units.TryConvert(1m, "[IU]/L", "m[IU]/mL", out var result));
        Assert.Equal(1m, result);
        Assert.True(Units.TryConvert(2m, "[IU]", "[iU]", out var same)); // [IU] is defined as [iU]
        Assert.Equal(2m, same);
    }

    [Fact]
    public void Special_units_in_products_are_valid_but_not_convertible()
    {
        Assert.True(Units.IsValid("Cel/h"));
        Assert.False(Units.TryCanonicalize(1m, "Cel/h", out _, out _));
        Assert.False(Units.TryConvert(1m, "Cel/h", "Cel/h", out _));
        Assert.True(Units.TryCanonicalize(1m, "(mCel)", out var v, out var u));
        Assert.Equal(273.151m, v);
        Assert.Equal("K", u);
        Assert.True(Units.TryCanonicalize(36.6m, "Cel{body}", out var body, out var bodyUnit));
        Assert.Equal(309.75m, body);
        Assert.Equal("K", bodyUnit);
    }

    [Fact]
    public void The_same_unit_converts_to_itself_without_rounding()
    {
        Assert.True(Units.TryConvert(1.23456789012345678901234567m, "[degF]", "[degF]", out var f));
        Assert.Equal(1.23456789012345678901234567m, f);
        Assert.True(Units.TryConvert(3m, "[arb'U]", "[arb'U]", out var arb));
        Assert.Equal(3m, arb);
    }

    [Fact]
    public void Refuses_results_beyond_the_range_of_decimal()
    {
        Assert.False(Units.TryCanonicalize(79228162514264337593543950335m, "Ym", out _, out _));
        Assert.False(Units.TryConvert(1m, "ym", "Ym", out _)); // 10^-48 rounds to nothing
        Assert.True(Units.IsValid("m1001"));
        Assert.False(Units.TryCanonicalize(1m, "m1001", out _, out _));
        Assert.True(Units.IsValid("m99999999999"));
        Assert.False(Units.TryCanonicalize(1m, "m99999999999", out _, out _));
    }

    [Fact]
    public void A_zero_factor_is_valid_but_not_convertible()
    {
        Assert.True(Units.IsValid("m/0"));
        Assert.False(Units.TryConvert(1m, "m/0", "m", out _));
        Assert.False(Units.TryCanonicalize(1m, "0.m", out _, out _));
        Assert.False(Units.AreComparable("0", "1"));
    }

    [Theory]
    [InlineData("1/3", "0.3333333333333333333333333333")]
    [InlineData("2/3", "0.6666666666666666666666666667")]
    [InlineData("1/8", "0.125")]
    [InlineData("-5/2", "-2.5")]
    [InlineData("100/10", "10")]
    [InlineData("1/40000000000000000000000000000", "0")] // 2.5e-29 rounds to nothing: refused, see below
    public void Rounds_fractions_to_the_nearest_decimal_with_the_fewest_digits(string fraction, string expected)
    {
        var parts = fraction.Split('/');
        var r = Rational.Parse(parts[0]) / Rational.Parse(parts[1]);
        if (expected == "0")
        {
            Assert.False(r.TryToDecimal(out _));
            return;
        }

        Assert.True(r.TryToDecimal(out var d));
        Assert.Equal(D(expected), d);
        Assert.Equal(expected, d.ToString(CultureInfo.InvariantCulture));
    }

    // TryToDecimal takes shortcuts (whole values, a first scale from the whole part's digits, trailing zeros dropped in
    // 128-bit arithmetic); it must give what the plain definition gives, digit for digit and scale for scale, for every
    // shape of fraction: whole, tiny, at the edges of the mantissa and of a digit count, ties to round, negative.
    [Fact]
    public void Decimals_of_fractions_are_those_of_the_plain_definition_for_every_shape()
    {
        var random = new Random(18);
        var numbers = new List<System.Numerics.BigInteger>();
        for (var k = 0; k <= 40; k++)
        {
            var p = System.Numerics.BigInteger.Pow(10, k);
            numbers.AddRange([p, p - 1, p + 1, p * 5, p / 2 + 1]);
        }
        var mantissa = System.Numerics.BigInteger.Pow(2, 96);
        numbers.AddRange([mantissa, mantissa - 1, mantissa + 1, mantissa / 3, 7, 3, 8, 15, 1000, 1024]);
        for (var i = 0; i < 300; i++)
        {
            var bytes = new byte[random.Next(1, 18)];
            random.NextBytes(bytes);
            numbers.Add(System.Numerics.BigInteger.Abs(new System.Numerics.BigInteger(bytes)) + 1);
        }
        numbers.RemoveAll(x => x.IsZero);
        var checkedPairs = 0;
        foreach (var numerator in numbers)
        {
            foreach (var denominator in numbers.Where((_, i) => i % 7 == numbers.IndexOf(numerator) % 7))
            {
                foreach (var sign in (int[])[1, -1])
                {
                    var r = new Rational(sign * numerator, denominator);
                    var expectedOk = PlainDecimal(r, out var expected);
                    Assert.Equal(expectedOk, r.TryToDecimal(out var actual));
                    if (expectedOk)
                    {
                        Assert.Equal(expected.ToString(CultureInfo.InvariantCulture), actual.ToString(CultureInfo.InvariantCulture));
                    }
                    checkedPairs++;
                }
            }
        }
        Assert.True(checkedPairs > 10_000, $"only {checkedPairs} fractions");
    }

    // The definition: the largest scale (28 down) whose quotient, rounded half to even, fits the 96-bit mantissa, then
    // trailing zeros dropped.
    private static bool PlainDecimal(Rational r, out decimal value)
    {
        value = 0m;
        if (r.Numerator.IsZero) return true;
        var limit = System.Numerics.BigInteger.Pow(2, 96);
        var n = System.Numerics.BigInteger.Abs(r.Numerator);
        var d = r.Denominator;
        if (n / d >= limit) return false;
        var q = System.Numerics.BigInteger.Zero;
        var scale = 28;
        for (; scale >= 0; scale--)
        {
            q = System.Numerics.BigInteger.DivRem(n * System.Numerics.BigInteger.Pow(10, scale), d, out var remainder);
            var twice = remainder * 2;
            if (twice > d || (twice == d && !q.IsEven)) q += 1;
            if (q < limit) break;
        }
        if (scale < 0 || q.IsZero) return false;
        while (scale > 0 && (q % 10).IsZero)
        {
            q /= 10;
            scale--;
        }
        value = new decimal((int)(uint)(q & uint.MaxValue), (int)(uint)((q >> 32) & uint.MaxValue), (int)(uint)((q >> 64) & uint.MaxValue), r.Numerator.Sign < 0, (byte)scale);
        return true;
    }

    [Fact]
    public void Reads_decimal_text_and_decimals_exactly()
    {
        Assert.Equal(Rational.Parse("1") / Rational.Parse("1000000000000000000000000"), Rational.Parse("1e-24"));
        Assert.Equal(Rational.Parse("6022136700000000000000000"), Rational.Parse("6.0221367e24"));
        Assert.Equal(Rational.Parse("-0.25"), Rational.FromDecimal(-0.250m));
        Assert.True(Rational.FromDecimal(decimal.MaxValue).TryToDecimal(out var max));
        Assert.Equal(decimal.MaxValue, max);
        Assert.False(Rational.TryParse("1.2.3", out _));
        Assert.False(Rational.TryParse("e5", out _));
    }

    [Fact]
    public void Every_unit_of_the_table_is_valid_on_its_own_and_resolves()
    {
        var data = UcumData.Instance;
        Assert.Equal("2.0.1", data.Version);
        Assert.Equal("2015-11-13", data.RevisionDate);
        Assert.Equal(24, data.Prefixes.Count);
        Assert.Equal(310, data.Atoms.Count);
        foreach (var atom in data.Atoms)
        {
            Assert.True(Units.IsValid(atom.Code, out var error), $"{atom.Code}: {error}");
            if (atom.FunctionName is not null)
            {
                Assert.NotNull(atom.Special);
            }
            else if (!atom.IsArbitrary)
            {
                Assert.True(atom.Factor.Sign > 0, atom.Code);
                Assert.True(Units.AreComparable(atom.Code, atom.Dimension.ToUnitString()), atom.Code);
            }
        }
    }

    [Fact]
    public void Base_units_are_the_seven_of_ucum()
    {
        var bases = UcumData.Instance.Atoms.Where(a => a.IsBase).Select(a => a.Code).Order(StringComparer.Ordinal);
        Assert.Equal(["C", "K", "cd", "g", "m", "rad", "s"], bases);
    }

    [Fact]
    public void Is_safe_to_use_from_many_threads()
    {
        var units = new[] { "mg/dL", "g/L", "[lb_av]", "Cel", "10*3/uL", "{cells}/uL", "mm[Hg]", "kcal/h" };
        Parallel.For(0, 2000, i =>
        {
            var unit = units[i % units.Length] + (i % 3 == 0 ? "" : "{n" + (i % 50) + "}");
            Assert.True(Units.IsValid(unit));
            Assert.True(Units.TryCanonicalize(1m, unit, out _, out _));
        });
    }
}
