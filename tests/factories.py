"""factory_boy factories: plain records, no surprising side effects."""

import datetime

import factory
from django.utils import timezone

from blocs.enums import Audience, DeadlineKind, Phase
from blocs.models import Bloc, Deadline, EmulationYear, Membership, Person, Province, RotationSlot, Unit
from core.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Cán bộ {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"Tỉnh {n}")
    code = factory.Sequence(lambda n: f"P{n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"Sở số {n}")
    short_name = factory.Sequence(lambda n: f"Sở {n}")
    code = factory.Sequence(lambda n: f"U{n}")
    parent_body = "UBND TỈNH"


class BlocFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bloc

    province = factory.SubFactory(ProvinceFactory)
    name = factory.Sequence(lambda n: f"Khối thi đua {n}")
    short_name = factory.Sequence(lambda n: f"Khối {n}")
    code = factory.Sequence(lambda n: f"KTĐ{n}")
    slug = factory.Sequence(lambda n: f"khoi-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    bloc = factory.SubFactory(BlocFactory)
    unit = factory.SubFactory(UnitFactory, province=factory.SelfAttribute("..bloc.province"))
    start_year = 2019
    end_year = None


class EmulationYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EmulationYear

    bloc = factory.SubFactory(BlocFactory)
    year = 2020
    leader = factory.SubFactory(UnitFactory, province=factory.SelfAttribute("..bloc.province"))
    deputy = None
    phase = Phase.SELF_ASSESSMENT


class DeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deadline

    year = factory.SubFactory(EmulationYearFactory)
    kind = DeadlineKind.YEAR_REPORT
    title = factory.Sequence(lambda n: f"Hạn nộp {n}")
    audience = Audience.MEMBERS
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=5))
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))


class RotationSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RotationSlot


def officer_of(unit: Unit, **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    Person.objects.create(user=user, unit=unit)
    return user


def board_of(province: Province, **user_kwargs) -> User:
    user = UserFactory(**user_kwargs)
    Person.objects.create(user=user, board_province=province)
    return user
