using Fhir.Server.Security;

namespace Fhir.Server.Tests.Security;

public class SmartScopeTests
{
    [Theory]
    [InlineData("system/Observation.rs", "System", "Observation", (int)(Permissions.Read | Permissions.Search))]
    [InlineData("patient/*.cruds", "Patient", "*", (int)(Permissions.All))]
    [InlineData("user/Patient.c", "User", "Patient", (int)(Permissions.Create))]
    [InlineData("user/Patient.ud", "User", "Patient", (int)(Permissions.Update | Permissions.Delete))]
    [InlineData("system/*.read", "System", "*", (int)(Permissions.Read | Permissions.Search))]
    [InlineData("patient/Observation.write", "Patient", "Observation", (int)(Permissions.Create | Permissions.Update | Permissions.Delete))]
    [InlineData("system/*.*", "System", "*", (int)(Permissions.All))]
    public void Resource_scopes_of_SMART_v1_and_v2_parse_to_their_permissions(string text, string context, string type, int permissions)
    {
        Assert.Equal(new SmartScope(Enum.Parse<ScopeContext>(context), type, (Permissions)permissions), SmartScope.Parse(text));
    }

    [Theory]
    [InlineData("openid")]
    [InlineData("launch/patient")]
    [InlineData("system/Observation.sr")] // v2 letters must keep the order c, r, u, d, s
    [InlineData("system/Observation.rr")]
    [InlineData("system/Observation.x")]
    [InlineData("system/Observation.")]
    [InlineData("admin/Observation.rs")]
    [InlineData("system/observation.rs")]
    [InlineData("system/Observation.rs?category=laboratory")] // granular scopes grant nothing here
    public void Other_or_malformed_scopes_grant_nothing(string text)
    {
        Assert.Null(SmartScope.Parse(text));
    }

    [Fact]
    public void A_wildcard_scope_covers_narrower_ones_of_the_same_context_only()
    {
        var wide = SmartScope.Parse("system/*.cruds")!;
        Assert.True(wide.Covers(SmartScope.Parse("system/Observation.rs")!));
        Assert.False(wide.Covers(SmartScope.Parse("patient/Observation.rs")!));
        Assert.False(SmartScope.Parse("system/Observation.r")!.Covers(SmartScope.Parse("system/Observation.rs")!));
    }
}
