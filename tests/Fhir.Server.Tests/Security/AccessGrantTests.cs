using Fhir.Server.Security;

namespace Fhir.Server.Tests.Security;

public class AccessGrantTests
{
    [Fact]
    public void System_scopes_allow_exactly_their_permissions_on_their_types()
    {
        var grant = AccessGrant.FromToken("ehr", "system/Observation.cru system/Patient.r", null);
        Assert.Equal(AccessDecision.Allowed, grant.Decide("Observation", Permissions.Create | Permissions.Update));
        Assert.Equal(AccessDecision.Denied, grant.Decide("Observation", Permissions.Delete));
        Assert.Equal(AccessDecision.Denied, grant.Decide("Observation", Permissions.Search));
        Assert.Equal(AccessDecision.Allowed, grant.Decide("Patient", Permissions.Read));
        Assert.Equal(AccessDecision.Denied, grant.Decide("Encounter", Permissions.Read));
    }

    [Fact]
    public void Permissions_may_come_from_several_scopes()
    {
        var grant = AccessGrant.FromToken("c", "system/Observation.r system/*.s", null);
        Assert.Equal(AccessDecision.Allowed, grant.Decide("Observation", Permissions.Read | Permissions.Search));
        Assert.Equal(AccessDecision.Denied, grant.Decide("Patient", Permissions.Read | Permissions.Search));
    }

    [Fact]
    public void Patient_scopes_confine_to_the_launch_patient_and_need_one()
    {
        var confined = AccessGrant.FromToken("app", "patient/*.rs", "p1");
        Assert.Equal(AccessDecision.PatientCompartment, confined.Decide("Observation", Permissions.Read));
        Assert.Equal(AccessDecision.Denied, confined.Decide("Observation", Permissions.Create));

        var withoutPatient = AccessGrant.FromToken("app", "patient/*.rs", null);
        Assert.Equal(AccessDecision.Denied, withoutPatient.Decide("Observation", Permissions.Read));
    }

    [Fact]
    public void Nobody_is_allowed_nothing_and_the_unrestricted_grant_everything()
    {
        Assert.Equal(AccessDecision.Denied, AccessGrant.Nobody.Decide("Patient", Permissions.Read));
        Assert.Equal(AccessDecision.Allowed, AccessGrant.Unrestricted("dev").Decide("Patient", Permissions.All));
    }
}
