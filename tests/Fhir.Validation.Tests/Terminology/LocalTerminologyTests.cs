using Fhir.Validation.Terminology;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Terminology;

public class LocalTerminologyTests
{
    private static readonly LocalTerminology Terminology = new(new OverlaySource()
        .Add("""
            {"resourceType":"CodeSystem","url":"http://example.org/cs/shapes","status":"active","content":"complete",
             "concept":[{"code":"shape","concept":[{"code":"round","concept":[{"code":"circle"},{"code":"oval"}]},{"code":"square"}]}]}
            """)
        .Add("""
            {"resourceType":"ValueSet","url":"http://example.org/vs/round","status":"active",
             "compose":{"include":[{"system":"http://example.org/cs/shapes","filter":[{"property":"concept","op":"is-a","value":"round"}]}]}}
            """)
        .Add("""
            {"resourceType":"ValueSet","url":"http://example.org/vs/below-round","status":"active",
             "compose":{"include":[{"system":"http://example.org/cs/shapes","filter":[{"property":"concept","op":"descendent-of","value":"round"}]}]}}
            """)
        .Add("""
            {"resourceType":"ValueSet","url":"http://example.org/vs/all-but-oval","status":"active",
             "compose":{"include":[{"system":"http://example.org/cs/shapes"}],"exclude":[{"system":"http://example.org/cs/shapes","concept":[{"code":"oval"}]}]}}
            """)
        .Add("""
            {"resourceType":"ValueSet","url":"http://example.org/vs/imports","status":"active",
             "compose":{"include":[{"valueSet":["http://example.org/vs/below-round"]},{"system":"http://loinc.org","concept":[{"code":"1-8"}]}]}}
            """)
        .Add("""
            {"resourceType":"ValueSet","url":"http://example.org/vs/loinc","status":"active","compose":{"include":[{"system":"http://loinc.org"}]}}
            """)
        .Add("""
            {"resourceType":"ValueSet","url":"http://example.org/vs/exact","status":"active",
             "compose":{"include":[{"system":"http://example.org/cs/shapes","filter":[{"property":"concept","op":"=","value":"square"}]}]}}
            """));

    private const string Shapes = "http://example.org/cs/shapes";

    [Theory]
    [InlineData("http://example.org/vs/round", "round", Membership.Member)]
    [InlineData("http://example.org/vs/round", "circle", Membership.Member)]
    [InlineData("http://example.org/vs/round", "square", Membership.NotMember)]
    [InlineData("http://example.org/vs/below-round", "round", Membership.NotMember)]
    [InlineData("http://example.org/vs/below-round", "oval", Membership.Member)]
    [InlineData("http://example.org/vs/all-but-oval", "oval", Membership.NotMember)]
    [InlineData("http://example.org/vs/all-but-oval", "shape", Membership.Member)]
    [InlineData("http://example.org/vs/imports", "circle", Membership.Member)]
    [InlineData("http://example.org/vs/imports", "square", Membership.NotMember)]
    [InlineData("http://example.org/vs/exact", "square", Membership.Member)]
    [InlineData("http://example.org/vs/exact", "circle", Membership.NotMember)]
    internal void Local_value_sets_expand_from_filters_imports_and_exclusions(string valueSet, string code, Membership expected)
    {
        Assert.Equal(expected, Terminology.Check(valueSet, Shapes, code));
    }

    [Fact]
    public void A_listed_code_of_an_unavailable_system_is_a_member()
    {
        Assert.Equal(Membership.Member, Terminology.Check("http://example.org/vs/imports", "http://loinc.org", "1-8"));
    }

    [Fact]
    public void A_code_of_a_system_not_held_locally_is_unknown_not_rejected()
    {
        Assert.Equal(Membership.Unknown, Terminology.Check("http://example.org/vs/loinc", "http://loinc.org", "8480-6"));
    }

    [Fact]
    public void An_unknown_value_set_is_reported_as_such()
    {
        Assert.Equal(Membership.UnknownValueSet, Terminology.Check("http://example.org/vs/none", Shapes, "round"));
    }

    [Fact]
    public void Core_value_sets_answer_memberOf()
    {
        Assert.True(Terminology.IsMember("http://hl7.org/fhir/ValueSet/administrative-gender", "http://hl7.org/fhir/administrative-gender", "female"));
        Assert.False(Terminology.IsMember("http://hl7.org/fhir/ValueSet/administrative-gender", "http://hl7.org/fhir/administrative-gender", "robot"));
    }
}
