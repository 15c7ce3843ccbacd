namespace Fhir.Path.Tests.Unit;

public sealed class OperatorTests
{
    [Theory]
    [InlineData("1 = 1.0", true)]
    [InlineData("'a' = 'A'", false)]
    [InlineData("'a' ~ 'A'", true)]
    [InlineData("'a b' ~ 'A\tB'", true)]
    [InlineData("1.2 / 1.8 ~ 0.67", true)]
    [InlineData("(1 | 2) = (1 | 2)", true)]
    [InlineData("(1 | 2) ~ (2 | 1)", true)]
    [InlineData("(1 | 2) = (2 | 1)", false)]
    [InlineData("{} ~ {}", true)]
    [InlineData("@2012-04-15T15:00:00+02:00 = @2012-04-15T16:00:00+03:00", true)]
    [InlineData("@2012-04-15 ~ @2012-04-15T10:00:00", false)]
    [InlineData("4.0000 'g' = 4000.0 'mg'", true)]
    [InlineData("7 days = 1 'wk'", true)]
    [InlineData("1 year ~ 1 'a'", true)]
    public void Equality_and_equivalence_follow_the_specification(string expression, bool expected) =>
        Assert.Equal(expected, Fp.Bool(expression));

    [Theory]
    [InlineData("{} = 1")]
    [InlineData("@2012-04-15 = @2012-04-15T10:00:00")]
    [InlineData("@2018-03 < @2018-03-01")]
    [InlineData("@2012-04-15T15:00:00Z = @2012-04-15T10:00:00")]
    [InlineData("1 year = 1 'a'")]
    public void Comparisons_that_cannot_be_decided_are_empty(string expression) =>
        Assert.Empty(Fp.Eval(expression));

    [Theory]
    [InlineData("@2018-03-01T10:30:00 < @2018-03-01T10:30:00.0", false)]
    [InlineData("@2017-11-05T01:30:00.0-04:00 < @2017-11-05T01:15:00.0-05:00", true)]
    [InlineData("'A' < 'a'", true)]
    [InlineData("6 days < 1 week", true)]
    [InlineData("Observation.value > 80 'kg'", true)]
    public void Ordering_compares_values_of_the_same_kind(string expression, bool expected) =>
        Assert.Equal(expected, Fp.Bool(expression, Fp.Observation));

    [Fact]
    public void Ordering_values_of_different_kinds_is_an_execution_error() =>
        Assert.Equal(FhirPathErrorKind.Execution, Fp.Error("1 < 'a'").Kind);

    [Theory]
    [InlineData("true and {}", null)]
    [InlineData("false and {}", false)]
    [InlineData("{} or true", true)]
    [InlineData("false xor true", true)]
    [InlineData("{} implies false", null)]
    [InlineData("false implies {}", true)]
    [InlineData("true and 'text'", true)]
    public void Boolean_operators_use_three_valued_logic(string expression, bool? expected) =>
        Assert.Equal(expected, Fp.Bool(expression));

    [Theory]
    [InlineData("1 + 2", 3)]
    [InlineData("5 div 2", 2)]
    [InlineData("5 mod 2", 1)]
    public void Integer_arithmetic_stays_integer(string expression, int expected) => Assert.Equal(expected, Fp.Value(expression));

    [Theory]
    [InlineData("1 / 2", "0.5")]
    [InlineData("1.2 * 1.8", "2.16")]
    [InlineData("2.2 mod 1.8", "0.4")]
    public void Division_and_decimals_give_decimals(string expression, string expected) =>
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Fp.Value(expression));

    [Theory]
    [InlineData("1 / 0")]
    [InlineData("5 div 0")]
    [InlineData("2147483647 + 1")]
    [InlineData("1 + {}")]
    public void Division_by_zero_overflow_and_empty_operands_give_empty(string expression) => Assert.Empty(Fp.Eval(expression));

    [Fact]
    public void Strings_concatenate_with_plus_and_ampersand()
    {
        Assert.Equal("ab", Fp.Value("'a' + 'b'"));
        Assert.Equal("a", Fp.Value("'a' & {}"));
        Assert.Empty(Fp.Eval("'a' + {}"));
    }

    [Theory]
    [InlineData("@1973-12-25 + 7 days", "1974-01-01")]
    [InlineData("@1973-12-25 + 7.7 days", "1974-01-01")]
    [InlineData("@1974-12-25 - 1 'month'", "1974-11-25")]
    [InlineData("@2014-01-31 + 1 month", "2014-02-28")]
    [InlineData("@1973-12-25T00:00:00.000+10:00 + 10 'ms'", "1973-12-25T00:00:00.010+10:00")]
    [InlineData("@2016 + 364 days", "2016")]
    [InlineData("@T23:30 + 1 hour", "00:30")]
    public void Date_arithmetic_uses_calendar_durations(string expression, string expected) =>
        Assert.Equal(expected, Fp.Eval(expression).Single().ToString());

    [Theory]
    [InlineData("@1973-12-25 + 1 'a'")]
    [InlineData("@1973-12-25 + 1 'mo'")]
    [InlineData("@1974-12-25 - 1 'cm'")]
    public void Date_arithmetic_rejects_durations_without_a_fixed_calendar_meaning(string expression) =>
        Assert.Equal(FhirPathErrorKind.Execution, Fp.Error(expression).Kind);

    [Fact]
    public void Date_arithmetic_with_a_number_is_a_semantic_error() =>
        Assert.Equal(FhirPathErrorKind.Semantic, Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile("@1974-12-25 + 7")).Kind);

    [Fact]
    public void Quantities_multiply_and_divide_with_their_units()
    {
        Assert.True(Fp.Bool("2.0 'cm' * 2.0 'm' = 0.040 'm2'"));
        Assert.True(Fp.Bool("4.0 'g' / 2.0 'm' = 2 'g/m'"));
        Assert.Equal("180 'h'", Fp.Eval("7 'd' + 12 'h'").Single().ToString());
    }

    [Fact]
    public void Union_removes_duplicates_and_combine_keeps_them()
    {
        Assert.Equal(2, Fp.Value("(1 | 2 | 2).count()"));
        Assert.Equal(3, Fp.Value("(1 | 2).combine(2).count()"));
    }

    [Fact]
    public void In_and_contains_test_membership()
    {
        Assert.True(Fp.Bool("'b' in ('a' | 'b')"));
        Assert.False(Fp.Bool("('a' | 'b') contains 'c'"));
        Assert.Empty(Fp.Eval("{} in (1 | 2)"));
    }

    [Fact]
    public void Indexers_select_by_position() =>
        Assert.Equal(new object[] { "Jim" }, Fp.Eval("Patient.name[1].given", Fp.Patient).Select(n => ((Fhir.Core.Model.ElementNode)n).Value));

    [Fact]
    public void Is_and_as_work_on_the_type_hierarchy()
    {
        Assert.True(Fp.Bool("Patient.gender is code", Fp.Patient));
        Assert.True(Fp.Bool("Patient.gender is string", Fp.Patient));
        Assert.Empty(Fp.Eval("Patient.gender as string", Fp.Patient));
        Assert.True(Fp.Bool("Patient is DomainResource", Fp.Patient));
        Assert.Equal(185m, Fp.Value("(Observation.value as Quantity).value", Fp.Observation));
    }
}
