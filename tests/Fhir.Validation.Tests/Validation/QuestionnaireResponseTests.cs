using Fhir.Core.Outcomes;
using Fhir.Validation.Tests.Support;

namespace Fhir.Validation.Tests.Validation;

/// <summary>Issue 19: a QuestionnaireResponse is checked against the Questionnaire its <c>questionnaire</c> names.</summary>
public sealed class QuestionnaireResponseTests
{
    private const string Url = "http://example.org/Questionnaire/symptoms";

    private const string Questionnaire = $$$"""
        {"resourceType":"Questionnaire","url":"{{{Url}}}","status":"active","item":[
          {"linkId":"nausea","type":"choice","required":true,"answerOption":[
            {"valueCoding":{"system":"http://example.org/severity","code":"none"}},
            {"valueCoding":{"system":"http://example.org/severity","code":"severe"}}]},
          {"linkId":"nausea-days","type":"integer","enableWhen":[{"question":"nausea","operator":"=","answerCoding":{"system":"http://example.org/severity","code":"severe"}}],
           "extension":[{"url":"http://hl7.org/fhir/StructureDefinition/minValue","valueInteger":1},{"url":"http://hl7.org/fhir/StructureDefinition/maxValue","valueInteger":7}]},
          {"linkId":"note","type":"string","maxLength":10},
          {"linkId":"visit","type":"group","item":[{"linkId":"visit-date","type":"date","required":true}]},
          {"linkId":"info","type":"display"},
          {"linkId":"meds","type":"string","repeats":false}]}
        """;

    private static readonly ResourceValidator Validator = new(new OverlaySource().Add(Questionnaire));

    private static ValidationResult Validate(string items, string status = "completed") => V.Validate($$$"""
        {"resourceType":"QuestionnaireResponse","questionnaire":"{{{Url}}}","status":"{{{status}}}","item":[{{{items}}}]}
        """, validator: Validator);

    private const string Nausea = """{"linkId":"nausea","answer":[{"valueCoding":{"system":"http://example.org/severity","code":"none"}}]}""";

    private const string Severe = """{"linkId":"nausea","answer":[{"valueCoding":{"system":"http://example.org/severity","code":"severe"}}]}""";

    [Fact]
    public void A_complete_response_has_no_errors() =>
        Validate(Severe + """,{"linkId":"nausea-days","answer":[{"valueInteger":3}]},{"linkId":"visit","item":[{"linkId":"visit-date","answer":[{"valueDate":"2024-03-01"}]}]}""")
            .AssertNoErrors();

    [Fact]
    public void A_linkId_the_questionnaire_does_not_have_is_an_error() =>
        Validate(Nausea + """,{"linkId":"vomiting","answer":[{"valueString":"x"}]}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Structure, "QuestionnaireResponse.item[1]", "vomiting");

    [Fact]
    public void An_answer_of_another_type_than_the_item_is_an_error() =>
        Validate(Nausea + """,{"linkId":"note","answer":[{"valueInteger":3}]}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Structure, "QuestionnaireResponse.item[1].answer[0].valueInteger", "string");

    [Fact]
    public void An_answer_that_is_not_an_option_is_an_error() =>
        Validate("""{"linkId":"nausea","answer":[{"valueCoding":{"system":"http://example.org/severity","code":"mild"}}]}""")
            .AssertIssue(IssueSeverity.Error, IssueType.CodeInvalid, "QuestionnaireResponse.item[0].answer[0].valueCoding", "answer options");

    [Fact]
    public void A_missing_required_answer_is_an_error_when_completed_and_a_warning_in_progress()
    {
        Validate("""{"linkId":"note","answer":[{"valueString":"ok"}]}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Required, "QuestionnaireResponse", "nausea");
        Validate("""{"linkId":"note","answer":[{"valueString":"ok"}]}""", "in-progress")
            .AssertIssue(IssueSeverity.Warning, IssueType.Required, "QuestionnaireResponse", "nausea");
    }

    [Fact]
    public void A_required_item_inside_a_group_is_reported_on_the_group() =>
        Validate(Nausea + """,{"linkId":"visit","text":"visit"}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Required, "QuestionnaireResponse.item[1]", "visit-date");

    [Fact]
    public void An_item_enableWhen_disables_must_not_be_answered() =>
        Validate(Nausea + """,{"linkId":"nausea-days","answer":[{"valueInteger":3}]}""")
            .AssertIssue(IssueSeverity.Error, IssueType.BusinessRule, "QuestionnaireResponse.item[1]", "enableWhen");

    [Fact]
    public void Values_outside_minValue_and_maxValue_are_errors() =>
        Validate(Severe + """,{"linkId":"nausea-days","answer":[{"valueInteger":9}]}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Value, "QuestionnaireResponse.item[1].answer[0].valueInteger", "maximum");

    [Fact]
    public void A_string_longer_than_maxLength_is_an_error() =>
        Validate(Nausea + """,{"linkId":"note","answer":[{"valueString":"far too long for it"}]}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Value, "QuestionnaireResponse.item[1].answer[0].valueString", "maximum length");

    [Fact]
    public void A_question_that_does_not_repeat_takes_one_answer() =>
        Validate(Nausea + """,{"linkId":"meds","answer":[{"valueString":"a"},{"valueString":"b"}]}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Structure, "QuestionnaireResponse.item[1]", "only one answer");

    [Fact]
    public void Display_items_and_groups_take_no_answers()
    {
        Validate(Nausea + """,{"linkId":"info","answer":[{"valueString":"x"}]}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Structure, "QuestionnaireResponse.item[1]", "display");
        Validate(Nausea + """,{"linkId":"visit","answer":[{"valueString":"x"}],"item":[{"linkId":"visit-date","answer":[{"valueDate":"2024-03-01"}]}]}""")
            .AssertIssue(IssueSeverity.Error, IssueType.Structure, "QuestionnaireResponse.item[1]", "group");
    }

    [Fact]
    public void Items_out_of_the_questionnaire_order_are_an_error() =>
        Validate("""{"linkId":"note","answer":[{"valueString":"ok"}]},""" + Nausea)
            .AssertIssue(IssueSeverity.Error, IssueType.Structure, "QuestionnaireResponse.item[1]", "out of order");

    [Fact]
    public void An_unknown_questionnaire_is_a_warning() =>
        V.Validate("""{"resourceType":"QuestionnaireResponse","questionnaire":"http://example.org/Questionnaire/none","status":"completed"}""", validator: Validator)
            .AssertIssue(IssueSeverity.Warning, IssueType.NotFound, "QuestionnaireResponse.questionnaire", "not known");

    [Fact]
    public void A_questionnaire_canonical_naming_another_type_is_an_error()
    {
        var validator = new ResourceValidator(new OverlaySource().Add("""{"resourceType":"ValueSet","url":"http://example.org/vs","status":"active"}"""));
        V.Validate("""{"resourceType":"QuestionnaireResponse","questionnaire":"http://example.org/vs","status":"completed"}""", validator: validator)
            .AssertIssue(IssueSeverity.Error, IssueType.Invalid, "QuestionnaireResponse.questionnaire", "ValueSet");
    }

    [Fact]
    public void EnableWhen_with_enableBehavior_any_needs_one_condition()
    {
        var q = """
            {"resourceType":"Questionnaire","url":"http://example.org/Questionnaire/any","status":"active","item":[
              {"linkId":"a","type":"integer"},{"linkId":"b","type":"boolean"},
              {"linkId":"c","type":"string","required":true,"enableBehavior":"any","enableWhen":[
                {"question":"a","operator":">","answerInteger":5},{"question":"b","operator":"exists","answerBoolean":true}]}]}
            """;
        var validator = new ResourceValidator(new OverlaySource().Add(q));
        ValidationResult Run(string items) => V.Validate($$$"""
            {"resourceType":"QuestionnaireResponse","questionnaire":"http://example.org/Questionnaire/any","status":"completed","item":[{{{items}}}]}
            """, validator: validator);
        Run("""{"linkId":"a","answer":[{"valueInteger":3}]}""").AssertNoErrors();
        Run("""{"linkId":"a","answer":[{"valueInteger":7}]}""").AssertIssue(IssueSeverity.Error, IssueType.Required, "QuestionnaireResponse", "'c'");
        Run("""{"linkId":"b","answer":[{"valueBoolean":false}]}""").AssertIssue(IssueSeverity.Error, IssueType.Required, "QuestionnaireResponse", "'c'");
    }
}
