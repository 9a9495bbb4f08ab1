from django.db import models


class Role(models.TextChoices):
    """What a person does in Nurture. Admin is the whole installation (a superuser); service
    manager, health visitor and facilitator are memberships of a provider; a parent is a
    carer whose record is linked to their login."""

    ADMIN = "admin", "Admin"
    SERVICE_MANAGER = "service_manager", "Service manager"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    FACILITATOR = "facilitator", "Facilitator"
    PARENT = "parent", "Parent"


STAFF_ROLES = (Role.SERVICE_MANAGER, Role.HEALTH_VISITOR, Role.FACILITATOR)
