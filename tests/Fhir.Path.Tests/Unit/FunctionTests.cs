using Fhir.Core.Model;
using Fhir.Path.Types;

namespace Fhir.Path.Tests.Unit;

public sealed class FunctionTests
{
    [Theory]
    [InlineData("Patient.name.exists()", true)]
    [InlineData("Patient.name.exists(use = 'nickname')", false)]
    [InlineData("Patient.name.exists(given)", true)]
    [InlineData("Patient.link.empty()", true)]
    [InlineData("Patient.name.all(given.exists())", true)]
    [InlineData("(true | false).anyTrue()", true)]
    [InlineData("(true | false).allTrue()", false)]
    [InlineData("Patient.name.first().subsetOf(Patient.name)", true)]
    [InlineData("(1 | 2 | 3).isDistinct()", true)]
    public void Existence_functions_answer_about_collections(string expression, bool expected) =>
        Assert.Equal(expected, Fp.Bool(expression, Fp.Patient));

    [Fact]
    public void Where_select_and_repeat_filter_and_project()
    {
        Assert.Equal(1, Fp.Value("Patient.name.where(given = 'Jim').count()", Fp.Patient));
        Assert.Equal(3, Fp.Value("Patient.name.select(given).count()", Fp.Patient));
        Assert.Equal(2, Fp.Value("Patient.telecom.select($index + 2)", Fp.Patient));
        Assert.Equal("test", Fp.Value("Patient.name.repeat('test')", Fp.Patient));
    }

    [Fact]
    public void OfType_selects_a_choice_by_type() =>
        Assert.Equal(1.5m, Fp.Value("Observation.component.value.ofType(Quantity).value", Fp.Observation));

    [Theory]
    [InlineData("(1 | 2 | 3).first()", 1)]
    [InlineData("(1 | 2 | 3).last()", 3)]
    [InlineData("(1 | 2 | 3).tail().first()", 2)]
    [InlineData("(1 | 2 | 3).skip(2).single()", 3)]
    [InlineData("(1 | 2 | 3).take(2).count()", 2)]
    [InlineData("(1 | 2 | 3).intersect(2 | 4).single()", 2)]
    [InlineData("(1 | 2 | 3).exclude(1 | 3).single()", 2)]
    public void Subsetting_functions_pick_items(string expression, int expected) => Assert.Equal(expected, Fp.Value(expression));

    [Fact]
    public void Single_of_several_items_is_an_execution_error() =>
        Assert.Equal(FhirPathErrorKind.Execution, Fp.Error("Patient.name.single()", Fp.Patient).Kind);

    [Theory]
    [InlineData("'1'.toInteger()", 1)]
    [InlineData("true.toInteger()", 1)]
    [InlineData("'12345'.length()", 5)]
    [InlineData("'LogicalModel-Person'.indexOf('-')", 12)]
    [InlineData("3.7.floor()", 3)]
    [InlineData("(-3.2).ceiling()", -3)]
    [InlineData("2.power(10)", 1024)]
    public void Functions_returning_integers(string expression, int expected) => Assert.Equal(expected, Fp.Value(expression));

    [Theory]
    [InlineData("'1.50'.toDecimal()", "1.50")]
    [InlineData("3.14159.round(3)", "3.142")]
    [InlineData("81.sqrt()", "9")]
    [InlineData("16.log(2)", "4")]
    [InlineData("(-5.5).abs()", "5.5")]
    [InlineData("1.587.lowBoundary()", "1.58650000")]
    [InlineData("1.587.highBoundary(2)", "1.59")]
    public void Functions_returning_decimals_keep_their_precision(string expression, string expected) =>
        Assert.Equal(expected, ((decimal)Fp.Value(expression)!).ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Theory]
    [InlineData("'12345'.substring(2, 1)", "3")]
    [InlineData("'abc'.upper()", "ABC")]
    [InlineData("'abc'.replace('', 'x')", "xaxbxcx")]
    [InlineData("'abc123'.replaceMatches('[0-9]', '-')", "abc---")]
    [InlineData("' a '.trim()", "a")]
    [InlineData("'a,b'.split(',').join('|')", "a|b")]
    [InlineData("'test'.encode('base64')", "dGVzdA==")]
    [InlineData("'dGVzdA=='.decode('base64')", "test")]
    [InlineData("'\"1<2\"'.escape('html')", "&quot;1&lt;2&quot;")]
    [InlineData("1.0.toString()", "1.0")]
    [InlineData("@2014-12-14.toString()", "2014-12-14")]
    [InlineData("1 'wk'.toString()", "1 'wk'")]
    public void String_functions(string expression, string expected) => Assert.Equal(expected, Fp.Value(expression));

    [Theory]
    [InlineData("'FHIR'.matches('HI')", true)]
    [InlineData("'FHIR'.matchesFull('HI')", false)]
    [InlineData("'FHIR'.matches('fhir', 'i')", true)]
    [InlineData("'A\nB'.matches('A.*B')", true)]
    [InlineData("'1 day'.convertsToQuantity()", true)]
    [InlineData("'1 wk'.convertsToQuantity()", false)]
    [InlineData("'2015-02'.convertsToDateTime()", true)]
    [InlineData("'no'.toBoolean()", false)]
    public void Boolean_valued_string_and_conversion_functions(string expression, bool expected) =>
        Assert.Equal(expected, Fp.Bool(expression));

    [Fact]
    public void String_functions_on_a_non_string_fail() =>
        Assert.Equal(FhirPathErrorKind.Execution, Fp.Error("1.startsWith('1')").Kind);

    [Fact]
    public void Iif_evaluates_only_the_chosen_branch()
    {
        Assert.Equal("named", Fp.Value("iif(Patient.name.exists(), 'named', 1 / 0)", Fp.Patient));
        Assert.Empty(Fp.Eval("iif(false, 'x')"));
        Assert.Equal(FhirPathErrorKind.Semantic, Assert.Throws<FhirPathException>(() => FhirPathCompiler.Compile("iif(1 | 2, 'a', 'b')")).Kind);
    }

    [Fact]
    public void Aggregate_and_the_statistics_functions_fold_collections()
    {
        Assert.Equal(45, Fp.Value("(1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9).aggregate($this + $total, 0)"));
        Assert.Equal(6, Fp.Value("(1 | 2 | 3).sum()"));
        Assert.Equal(3, Fp.Value("(1 | 2 | 3).max()"));
        Assert.Equal(2m, Fp.Value("(1 | 2 | 3).avg()"));
    }

    [Fact]
    public void Sort_orders_by_keys_and_a_minus_reverses_a_key()
    {
        Assert.Equal(new object[] { 3, 2, 1 }, Fp.Eval("(2 | 3 | 1).sort(-$this)"));
        Assert.Equal(new object[] { "a", "b", "c" }, Fp.Eval("('c' | 'a' | 'b').sort()"));
    }

    [Fact]
    public void Children_and_descendants_walk_the_tree()
    {
        Assert.Equal(1, Fp.Value("Patient.name.first().children().where($this is code).count()", Fp.Patient));
        Assert.Equal(4, Fp.Value("Patient.name.first().children().count()", Fp.Patient));
        Assert.True((int)Fp.Value("Patient.descendants().count()", Fp.Patient)! > 20);
    }

    [Fact]
    public void Type_reports_namespace_and_name()
    {
        Assert.Equal("System.Integer", Fp.Eval("1.type()").Single().ToString());
        Assert.Equal("FHIR.boolean", Fp.Eval("Patient.active.type()", Fp.Patient).Single().ToString());
        Assert.Equal("Patient", Fp.Value("Patient.type().name", Fp.Patient));
    }

    [Fact]
    public void Boundaries_and_precision_of_dates()
    {
        Assert.Equal("2014-01-01T08:00:00.000+14:00", Fp.Eval("@2014-01-01T08.lowBoundary(17)").Single().ToString());
        Assert.Equal("10:30:59.999", Fp.Eval("@T10:30.highBoundary(9)").Single().ToString());
        Assert.Equal(17, Fp.Value("@2014-01-05T10:30:00.000.precision()"));
        Assert.True(Fp.Bool("1 'cm'.comparable(1 '[in_i]')"));
    }

    [Fact]
    public void DefineVariable_is_visible_along_its_chain_only()
    {
        Assert.Equal("Peter", Fp.Value("defineVariable('n', name.first()).select(%n.given.first())", Fp.Patient));
        Assert.Equal(FhirPathErrorKind.Execution, Fp.Error("defineVariable('n', 1).active | %n", Fp.Patient).Kind);
    }

    [Fact]
    public void Now_and_today_come_from_the_context_clock()
    {
        var context = new EvaluationContext { Now = new DateTimeOffset(2020, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)) };
        Assert.Equal("2020-05-06", Fp.Eval("today()", null, context).Single().ToString());
        Assert.Equal("2020-05-06T07:08:09.000+02:00", Fp.Eval("now()", null, context).Single().ToString());
        Assert.IsType<FhirPathTime>(Fp.Eval("timeOfDay()", null, context).Single());
    }

    [Fact]
    public void Environment_variables_come_from_the_context_and_the_built_ins()
    {
        var context = new EvaluationContext { Variables = new Dictionary<string, object?> { ["limit"] = 3, ["codes"] = new[] { "a", "b" } } };
        Assert.Equal(4, Fp.Value("%limit + 1", null, context));
        Assert.Equal(2, Fp.Value("%codes.count()", null, context));
        Assert.Equal("http://hl7.org/fhir/ValueSet/administrative-gender", Fp.Value("%`vs-administrative-gender`"));
        Assert.Equal("http://hl7.org/fhir/ValueSet/administrative-gender", Fp.Value("%vs-administrative-gender"));
        Assert.Equal("http://hl7.org/fhir/StructureDefinition/patient-birthTime", Fp.Value("%ext-patient-birthTime"));
        Assert.Same(Fp.Patient, Fp.Value("%resource", Fp.Patient.Child("name")!));
        Assert.Equal(FhirPathErrorKind.Execution, Fp.Error("%undefined").Kind);
    }

    [Fact]
    public void Primitive_values_and_their_extensions_are_both_reachable()
    {
        Assert.True(Fp.Bool("Patient.birthDate.extension('http://hl7.org/fhir/StructureDefinition/patient-birthTime').exists()", Fp.Patient));
        Assert.True(Fp.Bool("Patient.birthDate.hasValue()", Fp.Patient));
        Assert.Equal(new FhirPathDate(1974, 12, 25), Fp.Value("Patient.birthDate.getValue()", Fp.Patient));
        Assert.IsType<ElementNode>(Fp.Eval("Patient.birthDate", Fp.Patient).Single());
    }
}
