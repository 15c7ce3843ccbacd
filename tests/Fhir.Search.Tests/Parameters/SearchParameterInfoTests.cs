using Fhir.Search.Parameters;
using Fhir.Search.Queries;

namespace Fhir.Search.Tests.Parameters;

public class SearchParameterInfoTests
{
    [Theory]
    [InlineData(SearchParamType.Token, "Patient.gender", true)]
    [InlineData(SearchParamType.String, "Patient.name", true)]
    [InlineData(SearchParamType.Number, "RiskAssessment.prediction.probability", true)]
    [InlineData(SearchParamType.Date, "Patient.birthDate", true)]
    [InlineData(SearchParamType.Reference, "Patient.link.other", true)]
    [InlineData(SearchParamType.Quantity, "Observation.value", true)]
    [InlineData(SearchParamType.Uri, "Resource.meta.profile", true)]
    [InlineData(SearchParamType.Composite, "Observation", true)]
    [InlineData(SearchParamType.Special, "Location.position", false)]
    [InlineData(SearchParamType.String, null, false)]
    public void A_parameter_is_supported_when_it_has_an_expression_and_a_simple_type(SearchParamType type, string? expression, bool supported)
    {
        var info = new SearchParameterInfo("http://example.org/sp", "x", "Patient", type, expression, [], []);

        Assert.Equal(supported, info.IsSupported);
    }

    [Theory]
    [InlineData("Location", "near")]
    [InlineData("Patient", "_content")]
    [InlineData("Patient", "_query")]
    public void Special_and_expressionless_base_parameters_are_not_supported(string type, string code)
    {
        Assert.False(R4.Registry.Find(type, code)!.IsSupported);
    }
}
