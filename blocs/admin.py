from django.contrib import admin

from core.admin import AuditedAdmin

from .models import Bloc, Deadline, EmulationYear, LeaderTerm, Membership, Person, Province, RotationSlot, Unit


@admin.register(Province)
class ProvinceAdmin(AuditedAdmin):
    list_display = ("name", "code")


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "short_name", "code", "province", "is_active")
    list_filter = ("province", "is_active")
    search_fields = ("name", "short_name", "code")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("unit",)


class RotationInline(admin.TabularInline):
    model = RotationSlot
    extra = 0
    autocomplete_fields = ("unit",)


@admin.register(Bloc)
class BlocAdmin(AuditedAdmin):
    list_display = ("name", "code", "province", "is_active")
    list_filter = ("province",)
    search_fields = ("name", "code")
    inlines = [MembershipInline, RotationInline]


class DeadlineInline(admin.TabularInline):
    model = Deadline
    extra = 0


@admin.register(EmulationYear)
class EmulationYearAdmin(AuditedAdmin):
    list_display = ("bloc", "year", "leader", "deputy", "phase")
    list_filter = ("phase", "year", "bloc__province")
    inlines = [DeadlineInline]


@admin.register(LeaderTerm)
class LeaderTermAdmin(AuditedAdmin):
    list_display = ("bloc", "year", "leader", "deputy", "source", "recorded_at")
    list_filter = ("source",)


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    list_display = ("user", "unit", "board_province", "position")
    list_filter = ("board_province",)
    search_fields = ("user__username", "user__full_name", "unit__name")
    autocomplete_fields = ("user", "unit")
