using System.Text;

namespace Fhir.Views.Tests.Definition;

/// <summary>Views are checked before any resource is read; each problem is located in the view.</summary>
public sealed class ViewReaderTests
{
    private static IReadOnlyList<(string? Expression, string Message)> Problems(string json) =>
        ViewDefinition.Parse(Encoding.UTF8.GetBytes(json)) is { View: null } failed
            ? [.. failed.Issues.Select(i => (i.Expression, i.Message))]
            : throw new Xunit.Sdk.XunitException("the view compiled");

    [Fact]
    public void A_bad_path_is_reported_at_its_location()
    {
        var problem = Assert.Single(Problems("""{"resource":"Patient","select":[{"column":[{"name":"a","path":"id"},{"name":"b","path":"name.("}]}]}"""));
        Assert.Equal("ViewDefinition.select[0].column[1].path", problem.Expression);
    }

    [Fact]
    public void An_unknown_resource_type_is_rejected() =>
        Assert.Equal("ViewDefinition.resource", Problems("""{"resource":"Patients","select":[{"column":[{"name":"a","path":"id"}]}]}""")[0].Expression);

    [Fact]
    public void A_constant_that_is_not_defined_is_rejected_before_the_run() =>
        Assert.Contains("%nope", Problems("""{"resource":"Patient","select":[{"column":[{"name":"a","path":"name.where(use = %nope).family"}]}]}""")[0].Message);

    [Fact]
    public void Constants_inside_string_literals_are_not_variables() =>
        Views.Compile("""{"resource":"Patient","select":[{"column":[{"name":"a","path":"'100%' + id"}]}]}""");

    [Fact]
    public void Duplicate_column_names_are_rejected() =>
        Assert.Contains("'a'", Problems("""{"resource":"Patient","select":[{"column":[{"name":"a","path":"id"}]},{"column":[{"name":"a","path":"gender"}]}]}""")[0].Message);

    [Fact]
    public void A_column_of_a_complex_type_is_rejected() =>
        Assert.Equal("ViewDefinition.select[0].column[0].type",
            Problems("""{"resource":"Patient","select":[{"column":[{"name":"a","path":"name","type":"HumanName"}]}]}""")[0].Expression);

    [Fact]
    public void Two_iterations_on_one_select_are_rejected() =>
        Assert.Equal("ViewDefinition.select[0]",
            Problems("""{"resource":"Patient","select":[{"forEach":"name","forEachOrNull":"name","column":[{"name":"a","path":"family"}]}]}""")[0].Expression);

    [Fact]
    public void Columns_without_a_type_take_the_type_their_path_is_known_to_give()
    {
        var view = Views.Compile("""{"resource":"Patient","select":[{"column":[{"name":"a","path":"active"},{"name":"b","path":"name.count()"},{"name":"c","path":"birthDate"}]},{"forEach":"name","column":[{"name":"d","path":"family"}]}]}""");
        Assert.Equal(["boolean", "integer", "date", "string"], view.Columns.Select(c => c.Type));
        Assert.Equal([ColumnKind.Boolean, ColumnKind.Integer, ColumnKind.String, ColumnKind.String], view.Columns.Select(c => c.Kind));
    }

    [Fact]
    public void Columns_come_in_the_order_column_select_unionAll_whatever_the_order_of_the_keys()
    {
        var view = Views.Compile("""{"resource":"Patient","select":[{"unionAll":[{"column":[{"name":"u","path":"id"}]}],"select":[{"column":[{"name":"s","path":"id"}]}],"column":[{"name":"c","path":"id"}]}]}""");
        Assert.Equal(["c", "s", "u"], view.Columns.Select(c => c.Name));
    }
}
