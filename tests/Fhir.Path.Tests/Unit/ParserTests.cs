namespace Fhir.Path.Tests.Unit;

public sealed class ParserTests
{
    [Theory]
    [InlineData("2 + ", 1, 5)]
    [InlineData("Patient.name.", 1, 14)]
    [InlineData("name.where(use = 'official'", 1, 28)]
    [InlineData("(1 + 2", 1, 7)]
    [InlineData("'unterminated", 1, 1)]
    [InlineData("1 + 2 /* open", 1, 7)]
    [InlineData("name[]", 1, 6)]
    [InlineData("Patient.name\n  .given ^ 2", 2, 10)]
    public void A_syntax_error_names_the_line_and_column(string expression, int line, int column)
    {
        var error = Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile(expression));
        Assert.Equal(FhirPathErrorKind.Syntax, error.Kind);
        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains($"line {line}, column {column}", error.Message);
        Assert.Equal(expression, error.Expression);
    }

    [Fact]
    public void An_empty_expression_is_a_syntax_error() =>
        Assert.Equal(FhirPathErrorKind.Syntax, Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile("  ")).Kind);

    [Fact]
    public void An_unknown_function_is_a_semantic_error_at_its_name()
    {
        var error = Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile("name.frobnicate()"));
        Assert.Equal(FhirPathErrorKind.Semantic, error.Kind);
        Assert.Equal(6, error.Column);
    }

    [Fact]
    public void A_function_called_with_the_wrong_number_of_arguments_is_a_semantic_error() =>
        Assert.Equal(FhirPathErrorKind.Semantic, Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile("'a'.substring()")).Kind);

    [Theory]
    [InlineData("1 + 2 * 3", 7)]
    [InlineData("(1 + 2) * 3", 9)]
    [InlineData("10 - 4 - 3", 3)]
    [InlineData("-2 * 3", -6)]
    [InlineData("2 + 2 // a comment + 4", 4)]
    [InlineData("2 + /* inline */ 2", 4)]
    [InlineData("7 div 2 + 7 mod 2", 4)]
    public void Operators_bind_with_the_grammar_precedence(string expression, int expected) =>
        Assert.Equal(expected, Fp.Value(expression));

    [Fact]
    public void Polarity_binds_looser_than_invocation() =>
        Assert.Equal(FhirPathErrorKind.Execution, Fp.Error("-1.convertsToInteger()").Kind);

    [Fact]
    public void Is_binds_tighter_than_union_and_comparison()
    {
        Assert.Equal(2, Fp.Value("(1 | 1 is Integer).count()"));
        Assert.Equal(FhirPathErrorKind.Execution, Fp.Error("1 > 2 is Boolean").Kind);
    }

    [Fact]
    public void Keywords_are_element_names_where_the_grammar_allows() =>
        Assert.Equal(10, Fp.Value("ValueSet.expansion.repeat(contains).count()", Fp.Resource("""
            {"resourceType":"ValueSet","status":"active","expansion":{"timestamp":"2020-01-01","contains":[
              {"code":"a","contains":[{"code":"b"},{"code":"c"}]},{"code":"d"},{"code":"e"},{"code":"f"},{"code":"g"},{"code":"h"},{"code":"i"},{"code":"j"}]}}
            """)));

    [Fact]
    public void Delimited_identifiers_and_escapes_are_read()
    {
        Assert.Equal("Peter", Fp.Value("`Patient`.name.`given`.first()", Fp.Patient));
        Assert.Equal("a'b\"c\td\u00e9", Fp.Value(@"'a\'b\""c\td\u00e9'"));
    }

    [Theory]
    [InlineData("@2015", "2015")]
    [InlineData("@2015-02-04", "2015-02-04")]
    [InlineData("@2015-02-04T14:34:28.123+10:00", "2015-02-04T14:34:28.123+10:00")]
    [InlineData("@2015T", "2015")]
    [InlineData("@T14:34", "14:34")]
    [InlineData("4.50 'mg'", "4.50 'mg'")]
    [InlineData("3 days", "3 days")]
    public void Date_time_and_quantity_literals_keep_their_precision(string expression, string text) =>
        Assert.Equal(text, Fp.Eval(expression).Single().ToString());

    [Fact]
    public void A_time_literal_with_a_timezone_fails_when_evaluated() =>
        Assert.Equal(FhirPathErrorKind.Execution, Fp.Error("@T14:34:28Z.is(Time)").Kind);

    [Fact]
    public void Deeply_nested_expressions_are_refused_rather_than_overflowing_the_stack()
    {
        Assert.Equal(FhirPathErrorKind.Syntax, Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile(new string('(', 5000) + "1" + new string(')', 5000))).Kind);
        Assert.Equal(FhirPathErrorKind.Syntax, Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile(new string('-', 5000) + "1")).Kind);
        Assert.Equal(1, Fp.Value(new string('(', 50) + "1" + new string(')', 50)));
    }

    [Fact]
    public void A_long_chain_of_operators_compiles()
    {
        var expression = string.Join(" + ", Enumerable.Repeat("1", 150));
        Assert.Equal(150, Fp.Value(expression));
        var tooLong = string.Join(" | ", Enumerable.Repeat("a", 5000));
        Assert.Equal(FhirPathErrorKind.Syntax, Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile(tooLong)).Kind);
    }
}
