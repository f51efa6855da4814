"""Demo data: ``flask --app wsgi demo-data``.

A small, realistic world: two BNI chapters of Vichy, a Dynabuy club, the FCE delegation of the
Allier and a French-speaking business circle in Lima. Every person and business is invented;
French phone numbers come from the ranges ARCEP reserves for fiction (04 65 71, 06 39 98), so
no real subscriber gets called. The data is fixed and the few random choices use a seeded
generator, so two loads give the same world.
"""
from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple
from zoneinfo import ZoneInfo

import click
import sqlalchemy as sa
from flask import current_app

from clubapp.core.money import currency_for_zone
from clubapp.core.passwords import hash_password
from clubapp.core.recurrence import first_match, local_instant, occurrence_dates, parse_rule
from clubapp.core.secrets import digest, new_token
from clubapp.core.text import slugify
from clubapp.extensions import db
from clubapp.models import (
    AttendanceRecord,
    Closure,
    Club,
    Invitation,
    JoinRequest,
    MeetingSeries,
    Membership,
    Network,
    NetworkAdmin,
    OneToOne,
    Referral,
    ReferralEvent,
    Role,
    Rsvp,
    SeriesVersion,
    User,
    Visitor,
)
from clubapp.models.base import utcnow

DEMO_EMAIL = "demo@clubapp.fr"
DEMO_PASSWORD = "clubapp-demo-2026"
EMAIL_DOMAIN = "example.fr"


@dataclass
class DemoLogin:
    email: str
    password: str


class Person(NamedTuple):
    name: str
    category: str
    business: str
    city: str
    bio: str
    country: str = "FR"  # FR: Europe/Paris and French numbers; PE: America/Lima and Peruvian ones
    locale: str = "fr"


PEOPLE: tuple[Person, ...] = (
    # BNI Vichy Avenir
    Person("Camille Perrin", "Expert-comptable", "Perrin Expertise Comptable", "Vichy",
           "Experte-comptable et commissaire aux comptes. Avec mes six collaborateurs, j'accompagne artisans, "
           "commerçants et professions libérales du bassin de Vichy : bilans, paie, fiscalité et tableaux de bord "
           "pour piloter l'entreprise au mois le mois."),
    Person("Julien Bardet", "Couvreur", "Toitures Bardet", "Cusset",
           "Couvreur-zingueur depuis vingt ans : réfection de toitures, zinguerie, démoussage et isolation des "
           "combles sur tout le bassin vichyssois."),
    Person("Sophie Marchand", "Avocat en droit des affaires", "Marchand Avocats", "Vichy",
           "Avocate au barreau de Cusset. J'accompagne les TPE et PME : création de société, baux commerciaux, "
           "contrats et recouvrement de créances."),
    Person("Thomas Giraud", "Agent immobilier", "Giraud Immobilier", "Vichy",
           "Transaction et gestion locative à Vichy et alentours. Estimation offerte, reportage photo et visite "
           "virtuelle pour chaque mandat."),
    Person("Élodie Fournier", "Fleuriste", "L'Atelier d'Élodie", "Bellerive-sur-Allier",
           "Fleuriste artisanale : bouquets de saison, décoration florale de mariages et d'événements "
           "d'entreprise, abonnements floraux pour les bureaux et les hôtels."),
    Person("Nicolas Mercier", "Plombier chauffagiste", "Mercier Plomberie Chauffage", "Cusset",
           "Installation et dépannage : salles de bains, chaudières, pompes à chaleur. Artisan RGE, "
           "intervention sous 24 heures sur l'agglomération."),
    Person("Aurélie Chevalier", "Photographe", "Aurélie Chevalier Photographie", "Vichy",
           "Portraits professionnels, photos de produits et reportages d'entreprise : des images qui donnent "
           "envie de vous appeler."),
    Person("Maxime Lefort", "Assureur", "Lefort Assurances", "Vichy",
           "Agent général d'assurance : protection des professionnels, flottes automobiles, prévoyance du "
           "dirigeant et assurance emprunteur."),
    Person("Pauline Roux", "Ostéopathe", "Cabinet d'ostéopathie Pauline Roux", "Bellerive-sur-Allier",
           "Ostéopathe D.O. : je soigne actifs, sportifs et nourrissons, et j'anime des ateliers de prévention "
           "des troubles musculo-squelettiques en entreprise."),
    Person("Antoine Faure", "Développeur web", "Faure Digital", "Vichy",
           "Sites vitrines, boutiques en ligne et applications sur mesure, hébergés en France. Je parle votre "
           "langage, pas seulement le mien."),
    Person("Laurent Blanchard", "Imprimeur", "Imprimerie Blanchard", "Cusset",
           "Imprimerie familiale depuis 1978 : cartes de visite, plaquettes, grands formats et objets "
           "publicitaires, en offset comme en numérique."),
    Person("Isabelle Morel", "Traiteur", "Morel Traiteur", "Saint-Yorre",
           "Buffets, cocktails et plateaux-repas pour vos séminaires et vos fêtes, cuisinés avec des produits "
           "du Bourbonnais."),
    Person("Romain Dufour", "Électricien", "Dufour Électricité", "Creuzier-le-Vieux",
           "Électricité générale, mise aux normes, bornes de recharge et domotique, chez les particuliers comme "
           "dans les locaux professionnels."),
    Person("Céline Gauthier", "Conseiller en gestion de patrimoine", "Gauthier Patrimoine", "Vichy",
           "Conseillère en gestion de patrimoine indépendante : retraite, transmission, épargne salariale et "
           "placements du chef d'entreprise."),
    Person("Frédéric Lambert", "Garagiste", "Garage Lambert", "Saint-Yorre",
           "Entretien et réparation toutes marques, véhicules de société et utilitaires. Véhicule de prêt pour "
           "les professionnels."),
    Person("Marion Bertrand", "Architecte d'intérieur", "Marion Bertrand Intérieurs", "Vichy",
           "Conception et rénovation d'intérieurs pour les commerces, les bureaux et les appartements, du plan "
           "3D au suivi de chantier."),
    Person("Hugo Perrot", "Paysagiste", "Perrot Paysages", "Abrest",
           "Création et entretien d'espaces verts pour les particuliers, les copropriétés et les entreprises."),
    Person("Sandrine Colin", "Agence de communication", "Colin & Co", "Vichy",
           "Stratégie de marque, identité visuelle et réseaux sociaux pour les entreprises locales qui veulent "
           "se faire connaître."),
    # BNI Vipiacus
    Person("Stéphane Renaud", "Courtier en crédit", "Renaud Courtage", "Vichy",
           "Courtier en prêts immobiliers et professionnels : je négocie votre financement auprès d'une "
           "vingtaine de banques partenaires."),
    Person("Nathalie Lemoine", "Expert-comptable", "Cabinet Lemoine", "Cusset",
           "Experte-comptable : tenue, bilans, paie et conseil pour les artisans, les commerçants et les "
           "professions libérales."),
    Person("David Roussel", "Avocat en droit social", "Roussel Avocat", "Vichy",
           "Droit du travail côté employeurs : contrats, ruptures, contentieux prud'homal et audit social."),
    Person("Guillaume Picard", "Couvreur", "Picard Couverture", "Bellerive-sur-Allier",
           "Couverture, charpente et zinguerie ; spécialiste des toitures anciennes en tuiles et en ardoise."),
    Person("Claire Aubert", "Fleuriste", "Fleurs de Claire", "Vichy",
           "Boutique de fleurs en centre-ville : compositions pour vos clients, vos salons et vos événements, "
           "livrées le jour même."),
    Person("Vincent Masson", "Menuisier", "Menuiserie Masson", "Saint-Pourçain-sur-Sioule",
           "Fenêtres, portes, escaliers et agencements sur mesure, fabriqués dans notre atelier."),
    Person("Karine Dupuis", "Assureur", "Dupuis Assurances", "Vichy",
           "Courtière en assurances : multirisque professionnelle, responsabilité civile, santé collective et "
           "prévoyance."),
    Person("Mickaël Boyer", "Plombier", "Boyer Plomberie", "Vichy",
           "Plomberie, recherche de fuites et débouchage ; contrats d'entretien pour les syndics et les "
           "commerces."),
    Person("Jessica Noël", "Esthéticienne", "Institut Jessica", "Vichy",
           "Institut de beauté : soins du visage et du corps, épilation, onglerie. Cartes cadeaux pour vos "
           "clients et vos salariés."),
    Person("Benoît Huet", "Signalétique et enseignes", "Huet Signalétique", "Gannat",
           "Enseignes, marquage de véhicules, panneaux de chantier et vitrophanie : votre entreprise se voit "
           "de loin."),
    Person("Cédric Fabre", "Informaticien", "Fabre Informatique", "Vichy",
           "Maintenance, sauvegarde et cybersécurité pour les TPE ; dépannage à distance ou sur site en moins "
           "de quatre heures."),
    Person("Alexandre Brun", "Traiteur", "Brun Réceptions", "Cusset",
           "Traiteur événementiel : cocktails dînatoires, repas d'affaires et mariages jusqu'à 300 couverts."),
    Person("Mathieu Caron", "Diagnostiqueur immobilier", "Caron Diagnostics", "Vichy",
           "Diagnostics avant vente ou location : DPE, amiante, plomb, électricité, gaz. Rapport sous 48 heures."),
    Person("Laura Meunier", "Sophrologue", "Laura Meunier Sophrologie", "Cusset",
           "Gestion du stress et préparation mentale, en séance individuelle ou en atelier pour les équipes."),
    # Dynabuy Vichy Val d'Allier
    Person("Pascal Rey", "Cabinet de recrutement", "Rey Recrutement", "Vichy",
           "Cabinet de recrutement pour les PME de l'Allier : commerciaux, techniciens et cadres, avec une "
           "garantie de remplacement."),
    Person("Gilles Arnaud", "Développement commercial", "Arnaud Développement", "Clermont-Ferrand",
           "Responsable du réseau Dynabuy Auvergne. J'aide les dirigeants à structurer leur prospection et à "
           "former leurs commerciaux."),
    Person("Véronique Besson", "Expert-comptable", "Besson & Associés", "Vichy",
           "Cabinet d'expertise comptable de douze personnes : comptabilité, juridique, social et conseil à la "
           "création d'entreprise."),
    Person("Emily Carter", "Chambres d'hôtes", "Le Clos des Tilleuls", "Le Vernet",
           "Anglaise installée dans l'Allier depuis 2009, j'accueille vos clients, formateurs et collaborateurs "
           "de passage dans cinq chambres au calme, à dix minutes de Vichy.", locale="en"),
    Person("Jérôme Vidal", "Couvreur", "Vidal Toiture", "Moulins",
           "Couverture neuve et rénovation, charpente et isolation par l'extérieur dans tout le nord de "
           "l'Allier."),
    Person("Patrick Jacquet", "Caviste", "La Cave de Patrick", "Vichy",
           "Vins, champagnes et spiritueux ; coffrets cadeaux d'entreprise et dégustations pour vos séminaires."),
    Person("Sylvie Prévost", "Agent immobilier", "Prévost Immobilier", "Montluçon",
           "Agence indépendante : vente de maisons, de locaux commerciaux et de fonds de commerce dans le "
           "bassin montluçonnais."),
    Person("Yannick Hamon", "Électricien", "Hamon Électricité", "Cusset",
           "Électricité du bâtiment et de l'industrie, éclairage LED et photovoltaïque pour les entreprises."),
    Person("Christelle Noyer", "Avocat", "Noyer Avocat", "Clermont-Ferrand",
           "Avocate au barreau de Clermont-Ferrand : droit commercial, entreprises en difficulté et procédures "
           "collectives."),
    Person("Fabien Baron", "Location de véhicules", "Baron Location", "Vichy",
           "Location d'utilitaires et de minibus à la journée ou au mois, pour les artisans, les entreprises "
           "et les associations."),
    Person("Julie Charpentier", "Coach professionnel", "Julie Charpentier Coaching", "Moulins",
           "Coach certifiée : accompagnement des dirigeants et des managers, cohésion d'équipe et prise de "
           "parole en public."),
    Person("Arnaud Rolland", "Ébéniste", "Atelier Rolland", "Saint-Pourçain-sur-Sioule",
           "Mobilier sur mesure en bois massif, agencement de boutiques et restauration de meubles anciens."),
    # FCE Allier
    Person("Hélène Vasseur", "Transporteur", "Transports Vasseur", "Moulins",
           "Je dirige l'entreprise familiale de transport routier fondée par mon grand-père : quarante camions, "
           "messagerie et transport frigorifique."),
    Person("Agnès Tessier", "Épicerie fine", "Les Saveurs d'Agnès", "Vichy",
           "Épicerie fine et produits régionaux : fromages, charcuteries et vins du Bourbonnais ; paniers garnis "
           "pour les comités d'entreprise."),
    Person("Corinne Lacroix", "Conseil en ressources humaines", "Lacroix RH", "Montluçon",
           "Consultante RH à temps partagé pour les PME : recrutement, entretiens professionnels, plans de "
           "formation."),
    Person("Anne Guillot", "Fromagère", "Fromagerie Guillot", "Saint-Pourçain-sur-Sioule",
           "Fromagerie fermière : chèvres et tommes au lait cru, vendus sur les marchés, en épiceries fines et "
           "aux restaurants de la région."),
    Person("Martine Royer", "Maçonnerie", "Royer Bâtiment", "Cusset",
           "À la tête d'une entreprise de maçonnerie de douze salariés : construction, extension et rénovation."),
    Person("Delphine Rivière", "Pharmacienne", "Pharmacie Rivière", "Montluçon",
           "Pharmacienne titulaire : orthopédie, matériel médical et trousses de secours pour les entreprises."),
    Person("Laetitia Perret", "Agence de voyages", "Perret Voyages", "Moulins",
           "Voyages d'affaires, séminaires et incentives ; billetterie et organisation des déplacements de vos "
           "équipes."),
    Person("Émilie Barbier", "Graphiste", "Émilie Barbier Graphisme", "Moulins",
           "Graphiste indépendante : logos, chartes graphiques, packaging et supports imprimés."),
    # Cercle d'affaires francophone de Lima
    Person("Mathilde Garnier", "Avocat", "Garnier Abogados", "San Isidro",
           "Avocate aux barreaux de Paris et de Lima : implantation de filiales, droit des sociétés et visas de "
           "travail pour les entreprises françaises au Pérou.", country="PE"),
    Person("Olivier Lemaire", "Boulanger", "Panadería Lemaire", "Miraflores",
           "Boulanger formé à Lyon, installé à Miraflores depuis 2014 : baguettes, viennoiseries et pâtisseries "
           "françaises, livrées aux hôtels et aux restaurants.", country="PE"),
    Person("Lucía Salazar", "Traductrice", "Salazar Traducciones", "Lima",
           "Ancienne élève du lycée franco-péruvien, traductrice assermentée français-espagnol : actes, contrats, "
           "sites web et interprétariat de réunions.", country="PE"),
    Person("Carlos Mendoza", "Agence de voyage réceptive", "Andes Réceptif", "Cusco",
           "Inbound tour operator in Cusco: tailor-made trips to Machu Picchu and the Sacred Valley for French- "
           "and English-speaking travellers.", country="PE", locale="en"),
    Person("Sofía Vargas", "Chocolatière", "Cacao Sofía", "Barranco",
           "Chocolat « bean to bar » à partir de cacaos de Piura et de Cusco ; coffrets cadeaux pour les "
           "entreprises et export vers la France.", country="PE"),
    Person("Pierre-Yves Le Gall", "Déménageur", "Le Gall Mudanzas", "Santiago de Surco",
           "Déménagements internationaux France-Pérou, garde-meubles et accueil des familles expatriées.",
           country="PE"),
    Person("Diego Chávez", "Architecte", "Chávez Arquitectos", "Barranco",
           "Architecture and interior design studio: restaurants, shops and homes, with a soft spot for the old "
           "houses of Barranco.", country="PE", locale="en"),
    Person("Claire Fontaine", "Agent immobilier", "Fontaine Propiedades", "Miraflores",
           "Location et vente d'appartements à Miraflores, San Isidro et Barranco ; j'accompagne les familles "
           "françaises dès leur arrivée.", country="PE"),
    Person("Rosa Huamán", "Textile en alpaga", "Huamán Textiles", "Arequipa",
           "Tissages et tricots en alpaga réalisés avec des artisanes de la région d'Arequipa ; commandes sur "
           "mesure pour les boutiques en Europe.", country="PE"),
    Person("Benjamin Rousseau", "Importateur de vins", "Rousseau Vinos", "San Isidro",
           "Vins de domaines familiaux de Bourgogne, du Rhône et du Languedoc, importés pour la restauration et "
           "les particuliers.", country="PE"),
    Person("Camila Torres", "École de langues", "Hola Français", "Miraflores",
           "Cours de français pour adultes et entreprises, préparation au DELF et au DALF, en ligne ou en "
           "présentiel.", country="PE"),
    Person("Thibault Marchal", "Photographe", "Thibault Marchal Photo", "Barranco",
           "Photographe de voyage et d'entreprise : reportages, portraits et images pour les hôtels et les "
           "agences.", country="PE"),
    Person("Julien Moreau", "Conseil à l'export", "Moreau Export Conseil", "Moulins",
           "Dix ans à Lima avant de rentrer dans l'Allier : j'aide les PME françaises à vendre au Pérou, au Chili "
           "et en Colombie."),
    # Not members yet: they asked to join BNI Vichy Avenir.
    Person("Kévin Lopes", "Serrurier", "Lopes Serrurerie", "Vichy",
           "Serrurier dépanneur : ouverture de portes, blindage, contrôle d'accès et rideaux métalliques pour les "
           "commerces."),
    Person("Manon Girard", "Diététicien", "Manon Girard Diététique", "Cusset",
           "Diététicienne-nutritionniste : consultations, ateliers en entreprise et accompagnement des sportifs."),
)

NETWORKS = (
    ("BNI Allier", "bni-allier",
     "Les chapitres BNI de l'Allier. Chaque chapitre se réunit une fois par semaine, tôt le matin, en "
     "visioconférence : un membre par métier, et des recommandations d'affaires qualifiées entre membres."),
    ("Dynabuy Auvergne", "dynabuy-auvergne",
     "Les clubs d'affaires Dynabuy d'Auvergne. En plus de la réunion mensuelle de chaque club, deux à quatre "
     "visioconférences régionales par semaine, ouvertes à tous les membres du réseau."),
)


class ClubSpec(NamedTuple):
    name: str
    network: str | None
    timezone: str
    visibility: str
    category_exclusive: bool
    description: str
    roster: Sequence[str]  # president, vice-president, secretary, then members
    listed: frozenset[str]  # members who opted into the public listing


CLUBS = (
    ClubSpec(
        "BNI Vichy Avenir", "BNI Allier", "Europe/Paris", "public", True,
        "Chapitre BNI de l'agglomération de Vichy. Nous nous réunissons chaque jeudi à 7h30 en "
        "visioconférence : présentations de 60 secondes, recommandations d'affaires et tête-à-tête entre "
        "membres. Un seul membre par métier ; les visiteurs sont les bienvenus sur invitation.",
        ("Camille Perrin", "Julien Bardet", "Sophie Marchand", "Thomas Giraud", "Élodie Fournier",
         "Nicolas Mercier", "Aurélie Chevalier", "Maxime Lefort", "Pauline Roux", "Antoine Faure",
         "Laurent Blanchard", "Isabelle Morel", "Romain Dufour", "Céline Gauthier", "Frédéric Lambert",
         "Marion Bertrand", "Hugo Perrot", "Sandrine Colin"),
        frozenset({"Camille Perrin", "Julien Bardet", "Élodie Fournier", "Aurélie Chevalier", "Antoine Faure",
                   "Laurent Blanchard", "Isabelle Morel"}),
    ),
    ClubSpec(
        "BNI Vipiacus", "BNI Allier", "Europe/Paris", "public", True,
        "Le second chapitre BNI de Vichy se retrouve chaque vendredi à 7h30 en visioconférence. Un métier, un "
        "membre : chacun présente son activité, transmet des recommandations et remercie pour les affaires "
        "conclues. Environ 80 % des membres se connectent chaque semaine.",
        ("Stéphane Renaud", "Nathalie Lemoine", "David Roussel", "Guillaume Picard", "Claire Aubert",
         "Vincent Masson", "Karine Dupuis", "Mickaël Boyer", "Jessica Noël", "Benoît Huet", "Cédric Fabre",
         "Alexandre Brun", "Mathieu Caron", "Laura Meunier"),
        frozenset({"Guillaume Picard", "Claire Aubert", "Vincent Masson", "Benoît Huet"}),
    ),
    ClubSpec(
        "Dynabuy Vichy Val d'Allier", "Dynabuy Auvergne", "Europe/Paris", "public", True,
        "Club d'affaires Dynabuy du Val d'Allier. Réunion mensuelle le deuxième mardi à 12h en "
        "visioconférence, et deux à quatre visios régionales par semaine avec les autres clubs Dynabuy "
        "Auvergne. Exclusivité professionnelle : un seul membre par métier.",
        ("Pascal Rey", "Gilles Arnaud", "Véronique Besson", "Emily Carter", "Jérôme Vidal", "Patrick Jacquet",
         "Sylvie Prévost", "Yannick Hamon", "Christelle Noyer", "Fabien Baron", "Julie Charpentier",
         "Arnaud Rolland", "Benoît Huet", "Julien Moreau"),
        frozenset({"Emily Carter", "Patrick Jacquet", "Arnaud Rolland"}),
    ),
    ClubSpec(
        "FCE Allier", None, "Europe/Paris", "private", False,
        "Délégation de l'Allier des Femmes cheffes d'entreprises. Un court point quotidien en visioconférence, "
        "du lundi au vendredi à 8h30, pour prendre des nouvelles, s'informer et monter des actions de "
        "solidarité pour le commerce local. Une délégation à Moulins est en préparation.",
        ("Hélène Vasseur", "Agnès Tessier", "Corinne Lacroix", "Camille Perrin", "Sophie Marchand",
         "Nathalie Lemoine", "Sylvie Prévost", "Anne Guillot", "Martine Royer", "Delphine Rivière",
         "Laetitia Perret", "Émilie Barbier"),
        frozenset({"Agnès Tessier", "Anne Guillot"}),
    ),
    ClubSpec(
        "Cercle d'affaires francophone de Lima", None, "America/Lima", "public", False,
        "Le cercle des entrepreneurs français et francophones du Pérou. Nous nous retrouvons en "
        "visioconférence le premier mardi de chaque mois à 19h (heure de Lima), avec des membres restés en "
        "France. Notre annuaire public fait connaître les entreprises de la communauté, aux Péruviens comme aux "
        "voyageurs de passage : faisons vivre le savoir-faire francophone au Pérou !",
        ("Mathilde Garnier", "Olivier Lemaire", "Lucía Salazar", "Carlos Mendoza", "Sofía Vargas",
         "Pierre-Yves Le Gall", "Diego Chávez", "Claire Fontaine", "Rosa Huamán", "Benjamin Rousseau",
         "Camila Torres", "Thibault Marchal", "Julien Moreau"),
        frozenset({"Mathilde Garnier", "Olivier Lemaire", "Lucía Salazar", "Carlos Mendoza", "Sofía Vargas",
                   "Pierre-Yves Le Gall", "Claire Fontaine", "Rosa Huamán", "Benjamin Rousseau", "Camila Torres",
                   "Julien Moreau"}),
    ),
)

NETWORK_ADMINS = (("BNI Allier", "Camille Perrin"), ("Dynabuy Auvergne", "Gilles Arnaud"))

JOIN_REQUESTS = (
    ("BNI Vichy Avenir", "Kévin Lopes", 3,
     "Bonjour, Julien Bardet m'a invité à votre réunion du jeudi il y a trois semaines. J'aimerais rejoindre le "
     "chapitre : la serrurerie n'y est pas encore représentée."),
    ("BNI Vichy Avenir", "Manon Girard", 1,
     "Installée à Cusset depuis deux ans, je cherche un réseau de recommandation sérieux. Le jeudi à 7h30 me "
     "convient très bien."),
    ("Cercle d'affaires francophone de Lima", "Antoine Faure", 6,
     "Je travaille déjà avec deux entreprises francophones de Lima et je serais ravi de rencontrer le cercle, "
     "même à distance."),
)

INVITATION = ("BNI Vichy Avenir", "marc.delorme@example.fr", "Camille Perrin", 2)

# (club, title, rrule, local start, minutes, agenda, open to the network, venue)
SERIES = (
    ("BNI Vichy Avenir", "Réunion hebdomadaire BNI Vichy Avenir", "FREQ=WEEKLY;BYDAY=TH", time(7, 30), 90,
     "Accueil et réseautage libre, présentations de 60 secondes, présentation de 10 minutes d'un membre, "
     "recommandations et remerciements (TYFCB), visiteurs.", False, None),
    ("BNI Vipiacus", "Réunion hebdomadaire BNI Vipiacus", "FREQ=WEEKLY;BYDAY=FR", time(7, 30), 90,
     "Tour de table des 60 secondes, formation du réseau, recommandations de la semaine.", False, None),
    ("Dynabuy Vichy Val d'Allier", "Déjeuner d'affaires mensuel", "FREQ=MONTHLY;BYDAY=2TU", time(12, 0), 90,
     "Présentations croisées et mises en relation. Hybride : au Golf de Montpensier ou en visio.", False,
     "Golf de Montpensier, route de Gannat, 03200 Serbannes"),
    ("Dynabuy Vichy Val d'Allier", "Visio régionale Dynabuy Auvergne", "FREQ=WEEKLY;BYDAY=MO", time(12, 30), 45,
     "Session ouverte à tous les membres des clubs Dynabuy Auvergne : chacun se présente en une minute.", True,
     None),
    ("FCE Allier", "Point quotidien FCE Allier", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", time(8, 30), 20,
     "Nouvelles des unes et des autres, actions de solidarité, informations de la plateforme nationale.",
     False, None),
    ("Cercle d'affaires francophone de Lima", "Rencontre mensuelle du cercle", "FREQ=MONTHLY;BYDAY=1TU",
     time(19, 0), 120, "Tour de table, annuaire des entreprises de la communauté, invité du mois.", False, None),
)

ROLES = (Role.PRESIDENT, Role.VICE_PRESIDENT, Role.SECRETARY)
TIMEZONES = {"FR": "Europe/Paris", "PE": "America/Lima"}


def _email(person: Person) -> str:
    if person.name == "Camille Perrin":
        return DEMO_EMAIL
    first, last = person.name.split(" ", 1)
    return f"{slugify(first)}.{slugify(last).replace('-', '')}@{EMAIL_DOMAIN}"  # pierre-yves.legall@


def _website(person: Person) -> str:
    # "L'Atelier d'Élodie" -> latelier-delodie: elided articles stick to the next word.
    host = re.sub(r"\b([a-z])-", r"\1", slugify(person.business))
    return f"https://www.{host}.{'com.pe' if person.country == 'PE' else 'fr'}"


def _phones(rng: random.Random) -> dict[str, str]:
    """A distinct phone number per person, in the usual written form of their country."""
    fictional = iter(rng.sample(range(10_000), len(PEOPLE)))
    phones = {}
    for person in PEOPLE:
        if person.country == "PE":
            digits = f"9{rng.randrange(10**8):08d}"
            phones[person.name] = f"+51 {digits[:3]} {digits[3:6]} {digits[6:]}"
        else:
            prefix = "04 65 71" if rng.random() < 0.3 else "06 39 98"  # landline or mobile
            n = next(fictional)
            phones[person.name] = f"{prefix} {n // 100:02d} {n % 100:02d}"
    return phones


def _refuse_if_loaded() -> None:
    emails = [_email(p) for p in PEOPLE]
    slugs = [slugify(c.name) for c in CLUBS]
    if (db.session.scalar(sa.select(User.id).where(User.email.in_(emails)).limit(1))
            or db.session.scalar(sa.select(Club.id).where(Club.slug.in_(slugs)).limit(1))
            or db.session.scalar(sa.select(Network.id).where(Network.slug.in_([n[1] for n in NETWORKS])).limit(1))):
        raise click.ClickException("The demo data (or a user or club of the same name) is already in the database.")


def load() -> DemoLogin:
    """Insert the demo world in one transaction and return the login to try it with."""
    _refuse_if_loaded()
    rng = random.Random(2026)
    now = utcnow().replace(microsecond=0)
    password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is slow on purpose
    phones = _phones(rng)

    def days_ago(low: int, high: int) -> datetime:
        return now - timedelta(days=rng.randint(low, high), minutes=rng.randrange(24 * 60))

    users: dict[str, User] = {}
    for person in PEOPLE:
        users[person.name] = User(
            email=_email(person), password_hash=password_hash, name=person.name,
            timezone=TIMEZONES[person.country], locale=person.locale, business_name=person.business,
            category=person.category, city=person.city, phone=phones[person.name], website=_website(person),
            bio=person.bio, created_at=days_ago(400, 2000),
        )
    db.session.add_all(users.values())

    networks = {name: Network(name=name, slug=slug, description=description, created_at=days_ago(2500, 3000))
                for name, slug, description in NETWORKS}
    db.session.add_all(networks.values())
    for network_name, admin in NETWORK_ADMINS:
        networks[network_name].admins.append(NetworkAdmin(user=users[admin]))

    clubs: dict[str, Club] = {}
    for spec in CLUBS:
        club = Club(name=spec.name, slug=slugify(spec.name), timezone=spec.timezone, description=spec.description,
                    category_exclusive=spec.category_exclusive, visibility=spec.visibility,
                    network=networks[spec.network] if spec.network else None, created_at=days_ago(1500, 2400))
        clubs[spec.name] = club
        db.session.add(club)
        for rank, name in enumerate(spec.roster):
            user = users[name]
            db.session.add(Membership(
                club=club, user=user, role=ROLES[rank] if rank < len(ROLES) else Role.MEMBER,
                category=user.category,
                exclusive_category=user.category.casefold() if spec.category_exclusive and user.category else None,
                public_listing=name in spec.listed,
                # Officers were there first; then members joined over the years.
                joined_at=days_ago(1200, 1400) if rank < len(ROLES) else days_ago(20, 1150),
            ))

    for club_name, name, age_days, message in JOIN_REQUESTS:
        db.session.add(JoinRequest(club=clubs[club_name], user=users[name], category=users[name].category,
                                   message=message, created_at=now - timedelta(days=age_days, hours=5)))

    club_name, email, inviter, age_days = INVITATION
    sent = now - timedelta(days=age_days, hours=2)
    db.session.add(Invitation(
        club=clubs[club_name], email=email, role=Role.MEMBER, invited_by=users[inviter],
        # A real random token, thrown away: nobody can accept this demo invitation, an officer can withdraw it.
        token_hash=digest(new_token()), created_at=sent,
        expires_at=sent + timedelta(days=current_app.config.get("INVITATION_DAYS", 14)),
    ))

    db.session.flush()  # club ids for the closures
    _add_meetings(clubs, now, rng)
    db.session.flush()
    _add_activity(clubs, now, rng)
    db.session.commit()
    return DemoLogin(DEMO_EMAIL, DEMO_PASSWORD)


def _add_meetings(clubs: dict[str, Club], now: datetime, rng: random.Random) -> None:
    """The clubs' rhythms as series started two months ago, a Christmas closure and a gala evening."""
    for club_name, title, rrule, at, minutes, agenda, open_to_network, venue in SERIES:
        club = clubs[club_name]
        rule = parse_rule(rrule)
        local_today = now.astimezone(ZoneInfo(club.timezone)).date()
        start = first_match(rule, local_today - timedelta(days=60))
        series = MeetingSeries(
            club=club, timezone=club.timezone, start_date=start, rrule=rule.text(), open_to_network=open_to_network,
            video_room=f"Clubapp-{club.slug}-{rng.getrandbits(48):012x}", created_at=now - timedelta(days=61),
            updated_at=now - timedelta(days=61), sequence=0,
        )
        series.versions.append(SeriesVersion(
            effective_from=start, title=title, description=agenda, start_time=at, duration_minutes=minutes,
            venue=venue, updated_at=now - timedelta(days=61)))
        db.session.add(series)
    avenir = clubs["BNI Vichy Avenir"]
    year = now.year if now.month < 12 or now.day < 20 else now.year + 1
    db.session.add(Closure(club_id=avenir.id, start_date=date(year, 12, 21), end_date=date(year + 1, 1, 3),
                           reason="Fêtes de fin d'année", created_at=now - timedelta(days=10)))
    gala = MeetingSeries(club=avenir, timezone=avenir.timezone, start_date=date(year, 12, 18), rrule=None,
                         video_room=f"Clubapp-{avenir.slug}-{rng.getrandbits(48):012x}",
                         created_at=now - timedelta(days=10), updated_at=now - timedelta(days=10), sequence=0)
    gala.versions.append(SeriesVersion(
        effective_from=date(year, 12, 18), title="Soirée de Noël des chapitres BNI", start_time=time(19, 30),
        duration_minutes=180, venue="Brasserie du Casino, 4 rue du Casino, 03200 Vichy",
        description="Dîner de fin d'année avec BNI Vipiacus : conjoints et visiteurs bienvenus.",
        updated_at=now - timedelta(days=10)))
    db.session.add(gala)


STEPS = ("given", "contacted", "in_progress")


def _history(referral: Referral, giver: User, receiver: User) -> list[ReferralEvent]:
    """Every step a referral went through to its status, evenly spaced from given to its last update."""
    final = STEPS.index(referral.status) if referral.status in STEPS else len(STEPS)
    steps = [*STEPS[: final + 1]] if referral.status in STEPS else [*STEPS, referral.status]
    span = referral.updated_at - referral.created_at
    events = []
    for index, step in enumerate(steps):
        at = referral.created_at + span * index / max(1, len(steps) - 1)
        last = index == len(steps) - 1
        events.append(ReferralEvent(at=at, actor_id=giver.id if step == "given" else receiver.id, status=step,
                                    amount=referral.amount if last else None,
                                    currency=referral.currency if last else None))
    return events


PROSPECTS = (
    ("Hôtel des Célestins", "Rénovation de la toiture-terrasse avant la saison thermale"),
    ("Boulangerie Au Pain d'Antan", "Refonte du site et commande en ligne"),
    ("Cabinet dentaire des Quatre Chemins", "Contrat d'assurance multirisque professionnelle"),
    ("Mairie de Cusset, service jeunesse", "Impression des affiches de l'été"),
    ("SCI du Parc", "Bilan et déclaration de revenus fonciers"),
    ("Famille Roux", "Vente d'une maison à Bellerive-sur-Allier"),
    ("Garage Central", "Photos pour le nouveau showroom"),
    ("Association des commerçants de Vichy", "Traiteur pour l'assemblée générale"),
    ("Clinique La Pergola", "Recrutement d'une assistante de direction"),
    ("Restaurant Le Bœuf Gourmand", "Remplacement du chauffe-eau"),
)
ATTENDANCE_MIX = ("present",) * 16 + ("late",) + ("absent",) + ("substitute",) + ("medical",)


def _past_dates(series: MeetingSeries, now: datetime) -> list[date]:
    version = series.versions[0]
    zone = ZoneInfo(series.timezone)
    return occurrence_dates(parse_rule(series.rrule or "FREQ=DAILY;COUNT=1"), series.start_date, version.start_time,
                            zone, window_end=now - timedelta(minutes=version.duration_minutes))


def _add_activity(clubs: dict[str, Club], now: datetime, rng: random.Random) -> None:
    """Two months of life in the BNI chapters and the Lima circle: attendance, answers, visitors, referrals."""
    for club_name in ("BNI Vichy Avenir", "BNI Vipiacus", "Cercle d'affaires francophone de Lima"):
        club = clubs[club_name]
        members = [m.user for m in club.memberships]
        series = next(s for s in db.session.scalars(sa.select(MeetingSeries).where(
            MeetingSeries.club_id == club.id, MeetingSeries.rrule.is_not(None))))
        version = series.versions[0]
        zone = ZoneInfo(series.timezone)
        past = _past_dates(series, now)
        habitual_absentee = members[-1]
        for day in past:
            start = local_instant(day, version.start_time, zone)
            for member in members:
                code = rng.choice(ATTENDANCE_MIX)
                if member is habitual_absentee and day in past[-5:]:
                    code = "absent"
                db.session.add(AttendanceRecord(
                    series_id=series.id, original_date=day, user_id=member.id, status=code, source="officer",
                    checked_in_at=start + timedelta(minutes=rng.randint(-8, 3 if code == "present" else 15))
                    if code in ("present", "late") else None, updated_at=min(start + timedelta(hours=2), now)))
        # Some members carry the club (BNI's green lights), most do their share, a few coast.
        weights = [rng.choice((1, 2, 3, 3, 5, 8, 12)) for _ in members]
        guests = (("Marc Delorme", "Delorme Serrurerie"), ("Inès Baptiste", "Atelier Baptiste"),
                  ("Hugo Ferrand", "Ferrand Paysages"), ("Léa Moulin", "Moulin Événements"),
                  ("Yanis Carré", "Carré Menuiserie"), ("Chloé Vidal", "Vidal Conseil"),
                  ("Bastien Roy", "Roy Électricité"), ("Amandine Petit", "Petit Fleurs"))
        for number, (name, company) in enumerate(guests):
            day = past[-1 - number % max(1, len(past))]
            inviter = rng.choices(members, weights=weights)[0]
            db.session.add(Visitor(series_id=series.id, original_date=day, invited_by_id=inviter.id, name=name,
                                   email=f"{name.split()[0].lower()}{number}@example.fr", company=company,
                                   token_hash=digest(new_token()), response="yes", attended="present",
                                   created_at=now - timedelta(days=20)))
        upcoming = occurrence_dates(parse_rule(series.rrule or ""), series.start_date, version.start_time, zone,
                                    window_start=now, window_end=now + timedelta(days=14))
        if upcoming:
            for index, member in enumerate(members[: int(len(members) * 0.8)]):
                response = "yes" if index % 7 else "maybe"
                db.session.add(Rsvp(series_id=series.id, original_date=upcoming[0], user_id=member.id,
                                    response=response, status="confirmed" if response == "yes" else "tentative",
                                    substitute_name="Marc Delorme" if index == 5 else None,
                                    queued_at=now - timedelta(hours=30 - index % 24),
                                    created_at=now - timedelta(days=2),
                                    updated_at=now - timedelta(days=2)))
        currency = currency_for_zone(club.timezone)  # the club's reporting currency: PEN in Lima
        for number in range(len(members) * 9):
            giver = rng.choices(members, weights=weights)[0]
            receiver = rng.choice([m for m in members if m is not giver])
            name, need = PROSPECTS[number % len(PROSPECTS)]
            given = now - timedelta(days=rng.randint(3, 170), hours=rng.randint(0, 10))
            status = rng.choice(("given", "contacted", "in_progress", "won", "won", "lost"))
            won = status == "won"
            # Nothing is dated after the moment the demo is loaded: a recent slip was closed recently.
            closed = min(given + timedelta(days=rng.randint(5, 40)), now - timedelta(hours=rng.randint(1, 48)))
            closed = max(closed, given + timedelta(hours=1)) if status in ("won", "lost") else None
            updated = min(given + timedelta(days=6), now) if closed is None else closed
            referral = Referral(
                club_id=club.id, giver_id=giver.id, receiver_id=receiver.id, prospect_name=name,
                prospect_email=f"contact{number}@example.fr", prospect_phone=f"04 65 71 {number % 90 + 10:02d} 00",
                description=need, temperature=rng.randint(2, 5), kind=rng.choice(("internal", "external")),
                status=status, amount=Decimal(rng.randrange(800, 18000, 50)) if won else None,
                currency=currency if won else None, created_at=given, updated_at=updated, closed_at=closed)
            referral.events = _history(referral, giver, receiver)
            db.session.add(referral)
        for _ in range(len(members) * 6):
            one = rng.choices(members, weights=weights)[0]
            other = rng.choice([m for m in members if m is not one])
            db.session.add(OneToOne(club_id=club.id, logged_by_id=one.id, with_user_id=other.id,
                                    met_on=(now - timedelta(days=rng.randint(1, 150))).date(),
                                    notes="Café au Grand Café : présentation de nos clients idéaux."))
